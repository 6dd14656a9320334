package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cadena-project/cadena/eventstore"
)

// classify marks the errors that mean the server could not be reached
// with eventstore.ErrUnavailable: every error that is not an answer of the
// server, and the server's answers of the classes connection exception
// (08), operator intervention (57: shutting down, starting up, query
// cancelled) and insufficient resources (53: too many connections), a
// session the server ended for idling in a transaction (25P03), and a
// server that takes no writes now (25006: a standby, during a failover).
// Other errors of the server (a constraint, a permission) are returned
// as they are.
func classify(err error) error {
	if err == nil || errors.Is(err, eventstore.ErrUnavailable) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && len(pgErr.Code) == 5 {
		switch {
		case pgErr.Code == "25P03", pgErr.Code == "25006":
		case pgErr.Code[:2] == "08", pgErr.Code[:2] == "53", pgErr.Code[:2] == "57":
		default:
			return err
		}
	}
	return fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
}

// fail wraps an error of the server for the caller: ErrClosed once the
// store is closed, the error as it is when the caller's ctx ended, else
// classified (see classify) with the operation.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if s.isClosed() {
		return eventstore.ErrClosed
	}
	if ctx.Err() != nil {
		return fmt.Errorf("postgres: %s: %w", op, ctx.Err())
	}
	return fmt.Errorf("postgres: %s: %w", op, classify(err))
}

// isUnique reports whether err is a violation of the named unique
// constraint.
func isUnique(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}

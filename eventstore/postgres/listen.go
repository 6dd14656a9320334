package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// listen keeps one connection LISTENing on the store's channel and wakes
// the subscriptions at each notification. When the connection is lost it
// reconnects with backoff, and wakes them once reconnected, since
// notifications sent meanwhile are lost; subscriptions also poll, so they
// follow the log while it is down.
func (s *Store) listen() {
	defer s.quit.Done()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.done
		cancel()
	}()
	var wait time.Duration
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, func() { wait = 0 })
		if ctx.Err() != nil {
			return
		}
		wait = s.backoff.next(wait)
		s.log.Warn("postgres: notification listener lost the server; subscriptions poll until it is back", "retry_in", wait, "err", classify(err))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
	}
}

// listenOnce connects, listens and relays notifications until the
// connection fails or ctx ends. connected is called once it listens.
func (s *Store) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	s.broadcast() // whatever was committed while not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		s.broadcast()
	}
}

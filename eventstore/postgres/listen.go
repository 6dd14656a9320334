package postgres

import (
	"context"
	"strconv"
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

// announce tells the other stores on the schema that the log reached head,
// through the notifier goroutine: the NOTIFY is sent after the commit, off
// the appends' path (a NOTIFY inside the append transaction made every
// commit wait for the server's notification queue lock). Announcements
// waiting meanwhile are folded into one for the latest head. A lost
// announcement costs the other stores' subscriptions one poll interval.
func (s *Store) announce(head uint64) {
	s.announced.Store(head)
	select {
	case s.announceWake <- struct{}{}:
	default:
	}
}

// notifier sends the NOTIFYs announce asks for until Close.
func (s *Store) notifier() {
	defer s.quit.Done()
	for {
		select {
		case <-s.announceWake:
		case <-s.done:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		head := strconv.FormatUint(s.announced.Load(), 10)
		if _, err := s.pool.Exec(ctx, "SELECT pg_notify($1, $2)", s.channel, head); err != nil && !s.isClosed() {
			s.log.Debug("postgres: notify", "err", classify(err))
		}
		cancel()
	}
}

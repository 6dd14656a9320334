package main

import (
	"fmt"
	"math"
	"net/http"
	"os"
	"strings"
	"time"
)

// guards bound what one connection or one token may hold of the server,
// and who may read /metrics: "cadena serve" and "cadena demo" flags. A zero
// duration or rate disables its limit.
type guards struct {
	metricsTokenFile string
	readTimeout      time.Duration
	writeTimeout     time.Duration
	idleTimeout      time.Duration
	rateLimit        float64 // requests per second per token
	rateBurst        int
}

// Defaults of the connection flags.
const (
	defaultReadTimeout  = 30 * time.Second
	defaultWriteTimeout = 60 * time.Second
	defaultIdleTimeout  = 120 * time.Second
	defaultRateLimit    = 50
	defaultRateBurst    = 100
)

func (c *guards) flags(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	Float64Var(*float64, string, float64, string)
}) {
	fs.StringVar(&c.metricsTokenFile, "metrics-token-file", "",
		"file holding a bearer token that /metrics then requires (default: /metrics is open)")
	fs.DurationVar(&c.readTimeout, "read-timeout", defaultReadTimeout,
		"longest a client may take to send a whole request, body included (0: no limit)")
	fs.DurationVar(&c.writeTimeout, "write-timeout", defaultWriteTimeout,
		"longest from the end of a request's headers to the end of its answer (0: no limit)")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", defaultIdleTimeout,
		"how long an idle keep-alive connection stays open (0: the read timeout)")
	fs.Float64Var(&c.rateLimit, "rate-limit", defaultRateLimit,
		"API requests per second allowed to each token, on average (0: no limit)")
	fs.IntVar(&c.rateBurst, "rate-burst", defaultRateBurst,
		"API requests a token may send at once above --rate-limit")
}

// check refuses values the flags do not take: a negative timeout or rate
// (zero turns a limit off), and a burst below one request while a rate
// limit is on (every request would be refused).
func (c guards) check() error {
	for _, d := range []struct {
		flag, zero string
		v          time.Duration
	}{{"--read-timeout", "no limit", c.readTimeout}, {"--write-timeout", "no limit", c.writeTimeout}, {"--idle-timeout", "the read timeout", c.idleTimeout}} {
		if d.v < 0 {
			return fmt.Errorf("%s %s: want 0 (%s) or more", d.flag, d.v, d.zero)
		}
	}
	if !(c.rateLimit >= 0) || math.IsInf(c.rateLimit, 1) {
		return fmt.Errorf("--rate-limit %v: want 0 (no limit) or more requests a second", c.rateLimit)
	}
	if c.rateLimit > 0 && c.rateBurst < 1 {
		return fmt.Errorf("--rate-burst %d: want at least 1 request under --rate-limit %v", c.rateBurst, c.rateLimit)
	}
	return nil
}

// metricsToken reads the token of --metrics-token-file: the file's
// content without surrounding white space; "" without the flag.
func (c guards) metricsToken() (string, error) {
	if c.metricsTokenFile == "" {
		return "", nil
	}
	b, err := os.ReadFile(c.metricsTokenFile)
	if err != nil {
		return "", fmt.Errorf("--metrics-token-file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
		return "", fmt.Errorf("--metrics-token-file %s: want one token on one line", c.metricsTokenFile)
	}
	return tok, nil
}

// apply sets the timeouts on srv.
func (c guards) apply(srv *http.Server) {
	srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout = c.readTimeout, c.writeTimeout, c.idleTimeout
}

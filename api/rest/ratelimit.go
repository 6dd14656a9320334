package rest

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter holds one token bucket per token (by the token's name), so one
// runaway script cannot starve the others. The tokens file bounds how many
// buckets there are.
type limiter struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	by    map[string]*rate.Limiter
}

// newLimiter returns a limiter of perSecond requests per token on average
// with bursts of burst; nil (no limit) when perSecond is 0 or less.
func newLimiter(perSecond float64, burst int) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{limit: rate.Limit(perSecond), burst: max(burst, 1), by: map[string]*rate.Limiter{}}
}

// allow takes one request of the token named name at now, or returns a
// 429 saying when to retry.
func (l *limiter) allow(name string, now time.Time) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	b, ok := l.by[name]
	if !ok {
		b = rate.NewLimiter(l.limit, l.burst)
		l.by[name] = b
	}
	l.mu.Unlock()
	r := b.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay == 0 {
		return nil
	}
	r.CancelAt(now) // a refused request takes nothing from the bucket
	secs := max(1, int(math.Ceil(delay.Seconds())))
	return &requestError{status: http.StatusTooManyRequests, slug: "rate-limited",
		retryAfter: strconv.Itoa(secs),
		detail: fmt.Sprintf("the token %q sent more than %g requests a second (bursts of %d); retry in %d s",
			name, float64(l.limit), l.burst, secs)}
}

package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/domain"
)

// BenchmarkScrape gathers the metrics of 1,000 departments and 10,000
// active pairs, as Prometheus would: served beside a registry
// (metrics.WithBusiness, as cadena serve does), with nothing new between
// scrapes (idle), with new events on 100 pairs before each (events), made
// from scratch (cold: a new collector each time), and through a registry
// the collector is registered with (registry, the way it was served
// before).
func BenchmarkScrape(b *testing.B) {
	f := orgOfPairs(10000)
	opts := metrics.BusinessOptions{Now: func() time.Time { return now }}
	series := func(b *testing.B, g prometheus.Gatherer) {
		mfs, err := g.Gather()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, mf := range mfs {
			n += len(mf.GetMetric())
		}
		b.ReportMetric(float64(n), "series")
	}
	b.Run("idle", func(b *testing.B) {
		g := metrics.WithBusiness(prometheus.NewRegistry(), f.business(opts))
		series(b, g)
		for b.Loop() {
			if _, err := g.Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("events", func(b *testing.B) {
		g := metrics.WithBusiness(prometheus.NewRegistry(), f.business(opts))
		series(b, g)
		n := 0
		for b.Loop() {
			b.StopTimer()
			for range 100 {
				n++
				p := n * 7919 % 10000
				depts := 1000
				s, c := fmt.Sprintf("d%04d", p%depts), fmt.Sprintf("d%04d", (p/depts+1+p%depts)%depts)
				id := "e" + strconv.Itoa(n)
				f.apply(req(id, s, c, now.Add(-time.Hour), terms(48)),
					domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: now.Add(-time.Minute)})
			}
			b.StartTimer()
			if _, err := g.Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			if _, err := metrics.WithBusiness(prometheus.NewRegistry(), f.business(opts)).Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("registry", func(b *testing.B) {
		reg := prometheus.NewRegistry()
		reg.MustRegister(f.business(opts))
		for b.Loop() {
			if _, err := reg.Gather(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScrapeHTTP serves /metrics of 10,000 active pairs, gzipped as
// Prometheus asks for it, to 1 and 16 concurrent scrapers, with new
// hand-offs on 100 pairs between rounds, and reports the p50 and p99 of a
// scrape: served by metrics.Handler (as cadena serve does) and by
// promhttp over a registry the collector is registered with (as before).
func BenchmarkScrapeHTTP(b *testing.B) {
	f := orgOfPairs(10000)
	opts := metrics.BusinessOptions{Now: func() time.Time { return now }}
	reg := prometheus.NewRegistry()
	reg.MustRegister(f.business(opts))
	handlers := map[string]http.Handler{
		"handler":  metrics.NewHandler(prometheus.NewRegistry(), f.business(opts), promhttp.HandlerOpts{}),
		"registry": promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
	}
	n := 0
	for _, name := range []string{"handler", "registry"} {
		h := handlers[name]
		scrape := func() {
			r := httptest.NewRequest("GET", "/metrics", nil)
			r.Header.Set("Accept-Encoding", "gzip")
			h.ServeHTTP(&discard{h: http.Header{}}, r)
		}
		for _, clients := range []int{1, 16} {
			b.Run(name+"/clients="+strconv.Itoa(clients), func(b *testing.B) {
				scrape()
				var times []time.Duration
				var mu sync.Mutex
				for len(times) < b.N {
					for range 100 {
						n++
						id := "x" + strconv.Itoa(n)
						p := n * 7919 % 10000
						s, c := fmt.Sprintf("d%04d", p%1000), fmt.Sprintf("d%04d", (p/1000+1+p%1000)%1000)
						f.apply(req(id, s, c, now.Add(-time.Hour), terms(48)))
					}
					var wg sync.WaitGroup
					for range clients {
						wg.Add(1)
						go func() {
							defer wg.Done()
							t := time.Now()
							scrape()
							d := time.Since(t)
							mu.Lock()
							times = append(times, d)
							mu.Unlock()
						}()
					}
					wg.Wait()
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
				b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
			})
		}
	}
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return io.Discard.Write(p) }
func (d *discard) WriteHeader(int)             {}

// BenchmarkScrapeHTTPFirst serves the first scrape of a new handler over
// 10,000 active pairs, gzipped: every series made, written and compressed,
// what Handler.Prepare does once the projections caught up.
func BenchmarkScrapeHTTPFirst(b *testing.B) {
	f := orgOfPairs(10000)
	opts := metrics.BusinessOptions{Now: func() time.Time { return now }}
	for b.Loop() {
		h := metrics.NewHandler(prometheus.NewRegistry(), f.business(opts), promhttp.HandlerOpts{})
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		h.ServeHTTP(&discard{h: http.Header{}}, r)
	}
}

package metrics_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/domain"
)

// scrapeBody scrapes h with the given Accept-Encoding and returns the
// body, read as one gzip member when it is compressed, and its type.
func scrapeBody(t *testing.T, h http.Handler, encoding string) (string, string) {
	t.Helper()
	r := httptest.NewRequest("GET", "/metrics", nil)
	r.Header.Set("Accept-Encoding", encoding)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, 200, w.Code, w.Body.String())
	body := w.Body.Bytes()
	if w.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		require.NoError(t, err)
		zr.Multistream(false)
		body, err = io.ReadAll(zr)
		require.NoError(t, err, "one gzip member, its checksum and length right")
		assert.Equal(t, io.EOF, zr.Reset(bytes.NewReader(nil)), "nothing after it")
	}
	return string(body), w.Header().Get("Content-Type")
}

// TestHandlerServesWhatPromhttpServes: the handler's body, compressed or
// not, is the body promhttp serves for the same registry and business
// collector, scrape after scrape while events arrive.
func TestHandlerServesWhatPromhttpServes(t *testing.T) {
	f := newFeed(domain.Policy{})
	clock := now
	b := f.business(metrics.BusinessOptions{Now: func() time.Time { return clock }})
	reg := prometheus.NewRegistry()
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cadena_http_requests_total", Help: "Requests."}, []string{"route"})
	reg.MustRegister(requests, prometheus.NewGauge(prometheus.GaugeOpts{Name: "zz_last", Help: "Sorts after every family."}))
	h := metrics.NewHandler(reg, b, promhttp.HandlerOpts{Registry: reg})
	want := promhttp.HandlerFor(metrics.WithBusiness(reg, b), promhttp.HandlerOpts{})
	for step := range 12 {
		for i := range 20 {
			id := fmt.Sprintf("h%d-%d", step, i)
			s, c := fmt.Sprintf("d%d", i%7), fmt.Sprintf("d%d", (i+1+step)%7)
			at := clock.Add(-time.Duration(1+i) * time.Hour)
			f.apply(req(id, s, c, at, terms(int64(2+i))))
			if i%3 == 0 {
				f.apply(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: at.Add(30 * time.Minute)})
			}
		}
		requests.WithLabelValues(fmt.Sprint("/r", step)).Inc()
		plain, typ := scrapeBody(t, want, "identity")
		for _, enc := range []string{"gzip", "identity", "br, gzip;q=0.5", "gzip;q=0", ""} {
			got, gotType := scrapeBody(t, h, enc)
			require.Equal(t, plain, got, "step %d, Accept-Encoding %q", step, enc)
			assert.Equal(t, typ, gotType)
		}
		assert.Contains(t, plain, "promhttp_metric_handler_errors_total", "the error counter, as promhttp registers it")
		assert.True(t, strings.HasSuffix(plain, "zz_last 0\n"))
		p := expfmt.NewTextParser(model.UTF8Validation)
		_, err := p.TextToMetricFamilies(strings.NewReader(plain))
		require.NoError(t, err)
		clock = clock.Add(3 * time.Hour)
	}
}

// TestHandlerConcurrentScrapes: scrapes racing each other (run with
// -race) all get the whole answer.
func TestHandlerConcurrentScrapes(t *testing.T) {
	b := orgOfPairs(300).business(metrics.BusinessOptions{Now: func() time.Time { return now }})
	reg := prometheus.NewRegistry()
	h := metrics.NewHandler(reg, b, promhttp.HandlerOpts{})
	want, _ := scrapeBody(t, promhttp.HandlerFor(metrics.WithBusiness(reg, b), promhttp.HandlerOpts{}), "")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, _ := scrapeBody(t, h, []string{"gzip", ""}[i%2])
			assert.Equal(t, want, got)
		}()
	}
	wg.Wait()
}

// TestHandlerPrepare: scrapes after Prepare, and after events that
// follow it, serve what promhttp serves.
func TestHandlerPrepare(t *testing.T) {
	f := newFeed(domain.Policy{})
	for i := range 30 {
		f.apply(req(fmt.Sprint("p", i), fmt.Sprintf("d%d", i%5), fmt.Sprintf("d%d", (i+1)%5), now.Add(-time.Hour), terms(4)))
	}
	b := f.business(metrics.BusinessOptions{Now: func() time.Time { return now }})
	reg := prometheus.NewRegistry()
	h := metrics.NewHandler(reg, b, promhttp.HandlerOpts{})
	want := promhttp.HandlerFor(metrics.WithBusiness(reg, b), promhttp.HandlerOpts{})
	h.Prepare()
	for step := range 2 {
		plain, _ := scrapeBody(t, want, "")
		for _, enc := range []string{"gzip", ""} {
			got, _ := scrapeBody(t, h, enc)
			assert.Equal(t, plain, got, "step %d, Accept-Encoding %q", step, enc)
		}
		f.apply(domain.HandoffDelivered{HandoffID: "p1", Delivery: 1, At: now.Add(-time.Minute)})
	}
}

// A format other than the text one goes to promhttp.
func TestHandlerOtherFormats(t *testing.T) {
	b := scenario().business(metrics.BusinessOptions{Now: func() time.Time { return now }})
	h := metrics.NewHandler(prometheus.NewRegistry(), b, promhttp.HandlerOpts{})
	r := httptest.NewRequest("GET", "/metrics", nil)
	r.Header.Set("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, 200, w.Code)
	assert.Contains(t, w.Header().Get("Content-Type"), "application/vnd.google.protobuf")
}

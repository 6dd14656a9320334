package metrics

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Handler serves /metrics: the families of a registry and the business
// families, as promhttp.HandlerFor(WithBusiness(reg, b), opts) does, with
// the business part encoded once: in the text format (what a scrape asks
// for unless it asks for protobuf or OpenMetrics) each business series is
// written once, when it is made, and each business family compressed
// once, when one of its series changes. A response is the registry's
// families, encoded and compressed for it, spliced with the business
// families' compressed text in name order (a family is compressed at the
// first scrape that asks for gzip after it changed): a deflate stream may be cut
// into parts that each start with an empty window and end on a byte
// boundary (a sync flush), so the parts of one response are compressed
// apart and joined into one gzip member. Any other format, a name[]
// filter, or a registry that fails to gather are served by promhttp.
type Handler struct {
	reg      prometheus.Gatherer
	b        *Business
	fallback http.Handler

	mu     sync.Mutex
	snap   *snapshot                            // the snapshot enc holds
	format expfmt.Format                        // the format enc holds
	enc    []*encodedFamily                     // per family of snap
	fams   map[*dto.MetricFamily]*encodedFamily // by family of snap
	byName map[string]*encodedFamily            // by name of a family of snap
}

// encodedFamily is a family in the text format, and compressed on its own.
type encodedFamily struct {
	text  []byte
	lines map[*dto.Metric][]byte // the text of each series

	deflateOnce sync.Once
	deflated    []byte // fresh window, ends with a sync flush
}

// line returns the text of series m in e, if e (which may be nil) has it.
func (e *encodedFamily) line(m *dto.Metric) ([]byte, bool) {
	if e == nil {
		return nil, false
	}
	l, ok := e.lines[m]
	return l, ok
}

// compressed returns the family's text deflated, compressing it at the
// first call: concurrent callers wait for one compression.
func (e *encodedFamily) compressed() []byte {
	e.deflateOnce.Do(func() { e.deflated = deflate(e.text) })
	return e.deflated
}

// NewHandler returns the /metrics handler of the families of reg and b;
// opts are promhttp's, for the requests it serves (and its error counter
// registered with opts.Registry, as promhttp.HandlerFor does).
func NewHandler(reg prometheus.Gatherer, b *Business, opts promhttp.HandlerOpts) *Handler {
	return &Handler{reg: reg, b: b, fallback: promhttp.HandlerFor(WithBusiness(reg, b), opts)}
}

var _ http.Handler = (*Handler)(nil)

// ServeHTTP answers a scrape.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	format := expfmt.NegotiateAccept(r.Header, expfmt.DefaultAcceptedFormats()...)
	if format.FormatType() != expfmt.TypeTextPlain || r.URL.Query().Has("name[]") {
		h.fallback.ServeHTTP(w, r)
		return
	}
	ops, err := h.reg.Gather()
	if err != nil {
		h.fallback.ServeHTTP(w, r) // reports the error as promhttp does
		return
	}
	biz := h.encoded(format)
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	w.Header().Set("Content-Type", string(format))
	if gz {
		w.Header().Set("Content-Encoding", "gzip")
	}
	out := newResponse(w, gz)
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	i, j := 0, 0
	for i < len(ops) || j < len(biz.fams) {
		if j == len(biz.fams) || (i < len(ops) && ops[i].GetName() < biz.fams[j].GetName()) {
			buf.Reset()
			if err := enc.Encode(ops[i]); err != nil {
				return // as promhttp: the response is cut where encoding failed
			}
			out.fresh(buf.Bytes())
			i++
			continue
		}
		if i < len(ops) && ops[i].GetName() == biz.fams[j].GetName() {
			i++ // reported by WithBusiness; the business family is served
		}
		out.kept(biz.enc[j])
		j++
	}
	out.close()
}

// Prepare makes the business families, their text and their gzip
// encodings, as a scrape in the text format would: call it once the
// projections caught up, so that the first scrape finds them made (on
// 10,000 pairs, making them all takes seconds) and later scrapes make
// only what changed. Scrapes that arrive meanwhile wait for it.
func (h *Handler) Prepare() {
	format := expfmt.NegotiateAccept(http.Header{}, expfmt.DefaultAcceptedFormats()...)
	for _, e := range h.encoded(format).enc {
		e.compressed()
	}
}

// encodedSnapshot is the business families of a snapshot with their
// encodings.
type encodedSnapshot struct {
	fams []*dto.MetricFamily
	enc  []*encodedFamily
}

// encoded returns the latest business families and their encodings in
// format, made for the families and series that changed since the last:
// a family of the previous snapshot is handed out as it was encoded, and
// a family made again encodes only its series made again (the others'
// text is its previous encoding's).
func (h *Handler) encoded(format expfmt.Format) encodedSnapshot {
	snap := h.b.scrape()
	h.mu.Lock() // concurrent scrapes wait for one encoding
	defer h.mu.Unlock()
	if h.snap == snap && h.format == format {
		return encodedSnapshot{snap.fams, h.enc}
	}
	if h.format != format {
		h.fams, h.byName = nil, nil
	}
	fams := make(map[*dto.MetricFamily]*encodedFamily, len(snap.fams))
	byName := make(map[string]*encodedFamily, len(snap.fams))
	encs := make([]*encodedFamily, len(snap.fams))
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	for i, mf := range snap.fams {
		if e, ok := h.fams[mf]; ok { // the same family: its series too
			fams[mf], byName[mf.GetName()], encs[i] = e, e, e
			continue
		}
		prev := h.byName[mf.GetName()] // nil, or the family's previous encoding
		lines := make(map[*dto.Metric][]byte, len(mf.Metric))
		buf.Reset()
		head := &dto.MetricFamily{Name: mf.Name, Help: mf.Help, Type: mf.Type, Metric: mf.Metric[:1]}
		if err := enc.Encode(head); err != nil {
			panic(err) // the series were made by const metrics
		}
		headLen := headerLen(buf.Bytes())
		text := buf.Bytes()[:headLen]
		if prev != nil {
			text = slices.Grow(text[:0:0], len(prev.text)*9/8)
			text = append(text, buf.Bytes()[:headLen]...)
		} else {
			text = bytes.Clone(text)
		}
		fast := textWritable(mf)
		ends := make([]int, len(mf.Metric)) // where the text of each series ends
		for j, m := range mf.Metric {
			if j == 1 && prev == nil { // room for as many series as long as the first
				text = slices.Grow(text, (len(text)-headLen)*(len(mf.Metric)-1)*9/8)
			}
			l, ok := prev.line(m)
			switch {
			case ok:
				text = append(text, l...)
			case fast:
				text = appendSeries(text, mf.GetName(), mf.GetType(), m)
			default:
				buf.Reset()
				if err := enc.Encode(&dto.MetricFamily{Name: mf.Name, Help: mf.Help, Type: mf.Type, Metric: []*dto.Metric{m}}); err != nil {
					panic(err)
				}
				text = append(text, buf.Bytes()[headLen:]...)
			}
			ends[j] = len(text)
		}
		start := headLen
		for j, m := range mf.Metric {
			lines[m] = text[start:ends[j]:ends[j]]
			start = ends[j]
		}
		e := &encodedFamily{text: text, lines: lines}
		fams[mf], byName[mf.GetName()], encs[i] = e, e, e
	}
	h.snap, h.format, h.enc, h.fams, h.byName = snap, format, encs, fams, byName
	return encodedSnapshot{snap.fams, encs}
}

// headerLen is the length of the # HELP and # TYPE lines that begin the
// text of a family.
func headerLen(text []byte) int {
	n := 0
	for range 2 {
		n += bytes.IndexByte(text[n:], '\n') + 1
	}
	return n
}

var deflaters = sync.Pool{New: func() any {
	w, err := flate.NewWriter(nil, flate.BestSpeed)
	if err != nil {
		panic(err) // a valid level
	}
	return w
}}

// deflate compresses p with a fresh window and ends with a sync flush,
// so that the result can be joined to other such parts.
func deflate(p []byte) []byte {
	var out bytes.Buffer
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(&out)
	_, _ = w.Write(p) // a bytes.Buffer does not fail
	_ = w.Flush()
	return out.Bytes()
}

// response writes a body made of parts: as is, or as one gzip member.
type response struct {
	w   http.ResponseWriter
	gz  bool
	crc uint32
	n   uint32
}

func newResponse(w http.ResponseWriter, gz bool) *response {
	r := &response{w: w, gz: gz}
	if gz {
		// A gzip header: deflate, no flags, no time, fastest, unknown OS.
		_, _ = w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255})
	}
	return r
}

// fresh writes a part that was not compressed yet.
func (r *response) fresh(p []byte) {
	if !r.gz {
		_, _ = r.w.Write(p)
		return
	}
	r.sum(p)
	_, _ = r.w.Write(deflate(p))
}

// kept writes an encoded family.
func (r *response) kept(e *encodedFamily) {
	if !r.gz {
		_, _ = r.w.Write(e.text)
		return
	}
	r.sum(e.text)
	_, _ = r.w.Write(e.compressed())
}

func (r *response) sum(p []byte) {
	r.crc = crc32.Update(r.crc, crc32.IEEETable, p)
	r.n += uint32(len(p))
}

// close ends the gzip member: an empty final block, the CRC-32 and the
// length of the text.
func (r *response) close() {
	if !r.gz {
		return
	}
	tail := []byte{3, 0}
	tail = binary.LittleEndian.AppendUint32(tail, r.crc)
	tail = binary.LittleEndian.AppendUint32(tail, r.n)
	_, _ = r.w.Write(tail)
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip
// (named, or "*", with a q-value above 0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if q > 0 {
			return true
		}
	}
	return false
}

package importer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/domain/jsonw"
)

// ServerBatch is the most commands Server sends in one request, and
// ServerBatchBytes the largest body (the limits of POST /api/v1/batch): a
// request whose body would be larger is sent in halves.
const (
	ServerBatch      = 10_000
	ServerBatchBytes = 16 << 20
)

// Server is Commands over the HTTP API of a running cadena: departments
// are read with GET /api/v1/departments/{id} and commands are sent to
// POST /api/v1/batch, ServerBatch at a time, with an admin token.
type Server struct {
	base   string
	token  string
	client *http.Client
}

var _ Commands = (*Server)(nil)

// NewServer returns a Server for the cadena at base ("http://host:port").
func NewServer(base, token string) (*Server, error) {
	if err := CheckServerURL(base); err != nil {
		return nil, err
	}
	return &Server{base: strings.TrimRight(base, "/"), token: token,
		client: &http.Client{Timeout: 5 * time.Minute}}, nil
}

// CheckServerURL returns an error unless base is an http:// or https://
// URL with a host. The error shows base without its password, if any.
func CheckServerURL(base string) error {
	u, err := url.Parse(base)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	return fmt.Errorf("server URL %q: want http://host:port or https://host", RedactedURL(base))
}

// RedactedURL is raw, a URL, as messages may show it: its password
// replaced by xxxxx (url.URL.Redacted), and when raw does not parse, its
// user information.
func RedactedURL(raw string) string {
	u, err := url.Parse(raw)
	at := strings.LastIndex(raw, "@")
	switch {
	case err == nil:
		return u.Redacted()
	case at < 0:
		return raw
	}
	// Unparsed: keep the scheme and what follows the user information.
	shown := "xxxxx@" + raw[at+1:]
	if scheme, _, ok := strings.Cut(raw, "://"); ok {
		shown = scheme + "://" + shown
	}
	return shown
}

// problemJSON is what the server answers on an error (RFC 9457).
type problemJSON struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// RemoteError is a problem the server answered.
type RemoteError struct {
	Status int
	Detail string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("the server answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Detail)
}

// Is makes a 404 errors.Is(err, domain.ErrNotFound) and a 409
// domain.ErrConflict.
func (e *RemoteError) Is(target error) bool {
	return e.Status == http.StatusNotFound && target == domain.ErrNotFound ||
		e.Status == http.StatusConflict && target == domain.ErrConflict
}

func (s *Server) do(ctx context.Context, method, path string, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.send(ctx, req)
	if err != nil {
		return fmt.Errorf("calling the server: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		var p problemJSON
		if json.Unmarshal(data, &p) != nil || p.Detail == "" {
			p.Detail = strings.TrimSpace(string(data[:min(len(data), 200)]))
		}
		return &RemoteError{Status: resp.StatusCode, Detail: p.Detail}
	}
	if f, ok := out.(fastAnswer); ok && f.decodeFast(data) {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	return nil
}

// fastAnswer is an answer that can read the common form of itself without
// reflection; decodeFast reports false, having read nothing that counts,
// for any other, which json.Unmarshal then reads.
type fastAnswer interface {
	decodeFast(data []byte) bool
}

// batchAnswer is the answer of POST /api/v1/batch.
type batchAnswer struct {
	Results []batchResult `json:"results"`
}

type batchResult struct {
	Status   int          `json:"status"`
	Position uint64       `json:"position"`
	Replayed bool         `json:"replayed"`
	Problem  *problemJSON `json:"problem"`
}

// decodeFast reads the answer as the server writes it, members in its
// order and without spaces, when no result holds a problem: up to 10,000
// results per answer.
func (a *batchAnswer) decodeFast(data []byte) bool {
	rest, ok := bytes.CutPrefix(data, []byte(`{"results":[`))
	if !ok {
		return false
	}
	var results []batchResult
	for len(rest) > 0 && rest[0] != ']' {
		if len(results) > 0 {
			if rest, ok = bytes.CutPrefix(rest, []byte{','}); !ok {
				return false
			}
		}
		var r batchResult
		if rest, ok = bytes.CutPrefix(rest, []byte(`{"status":`)); !ok {
			return false
		}
		status, next, ok := leadingUint(rest)
		if !ok || status > 999 {
			return false
		}
		r.Status, rest = int(status), next
		if next, ok := bytes.CutPrefix(rest, []byte(`,"position":`)); ok {
			if r.Position, rest, ok = leadingUint(next); !ok {
				return false
			}
		}
		if next, ok := bytes.CutPrefix(rest, []byte(`,"replayed":true`)); ok {
			r.Replayed, rest = true, next
		}
		if rest, ok = bytes.CutPrefix(rest, []byte{'}'}); !ok {
			return false // a problem, or another member
		}
		results = append(results, r)
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`],"position":`)); !ok {
		return false
	}
	if _, rest, ok = leadingUint(rest); !ok {
		return false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte{'}'}); !ok || len(bytes.TrimSpace(rest)) > 0 {
		return false
	}
	a.Results = results
	return true
}

// leadingUint reads the JSON integer of up to 20 digits that fits a
// uint64, without a sign or a leading zero, at the start of b.
func leadingUint(b []byte) (uint64, []byte, bool) {
	n := 0
	for n < len(b) && n <= 20 && '0' <= b[n] && b[n] <= '9' {
		n++
	}
	if n == 0 || n > 20 || n > 1 && b[0] == '0' {
		return 0, nil, false
	}
	v, err := strconv.ParseUint(string(b[:n]), 10, 64)
	return v, b[n:], err == nil
}

// send is client.Do that sends a request answered 429 again after the
// server's Retry-After (at most a minute): over the token's rate limit, as
// a demo or production server has it, the request was refused and cost
// nothing, and an import is a burst of look-ups and batches.
func (s *Server) send(ctx context.Context, req *http.Request) (*http.Response, error) {
	for {
		resp, err := s.client.Do(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests {
			return resp, err
		}
		wait := time.Second
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
			wait = time.Duration(min(n, 60)) * time.Second
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		req = req.Clone(ctx)
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// Department reads a department from the server.
func (s *Server) Department(ctx context.Context, id string) (domain.Department, error) {
	var d struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := s.do(ctx, http.MethodGet, "/api/v1/departments/"+url.PathEscape(id), nil, &d); err != nil {
		return domain.Department{}, err
	}
	return domain.Department{ID: d.ID, Name: d.Name}, nil
}

// appendCommand appends one command as POST /api/v1/batch takes it: a
// JSON object whose "command" names it, with the members of the
// command's own endpoint (empty ones left out) and its idempotency key.
// It is written by hand: the importer encodes millions of them.
func appendCommand(buf []byte, c api.Command) ([]byte, error) {
	member := func(buf []byte, name, v string) []byte {
		if v == "" {
			return buf
		}
		buf = append(append(append(buf, ',', '"'), name...), '"', ':')
		return jsonw.AppendString(buf, v)
	}
	at := func(buf []byte, t time.Time) []byte {
		if t.IsZero() {
			return buf
		}
		buf = append(buf, `,"occurred_at":"`...)
		return append(t.UTC().AppendFormat(buf, time.RFC3339Nano), '"')
	}
	var name string
	switch {
	case c.Department != nil:
		name = "department"
	case c.Agreement != nil:
		name = "agreement"
	case c.Request != nil:
		name = "request"
	default:
		switch c.Handoff.Name {
		case domain.Accept, domain.Deliver, domain.Return:
			name = c.Handoff.Name
		default:
			return buf, fmt.Errorf("the importer cannot send %q to a server", c.Handoff.Name)
		}
	}
	buf = append(append(append(buf, `{"command":"`...), name...), '"')
	buf = member(buf, "idempotency_key", c.Meta.IdempotencyKey)
	switch {
	case c.Department != nil:
		d := c.Department
		buf = member(member(buf, "id", d.ID), "name", d.Name)
		buf = at(buf, d.At)
	case c.Agreement != nil:
		a := c.Agreement
		buf = member(member(member(buf, "supplier", a.Supplier), "customer", a.Customer), "kind", a.Kind)
		buf = member(buf, "resolve_within", a.ResolveWithin.String())
		buf = at(buf, a.At)
	case c.Request != nil:
		r := c.Request
		buf = member(member(member(buf, "id", r.ID), "supplier", r.Supplier), "customer", r.Customer)
		buf = member(member(buf, "kind", r.Kind), "title", r.Title)
		buf = at(buf, r.At)
	default:
		h := c.Handoff
		buf = member(buf, "id", c.HandoffID)
		buf = at(buf, h.At)
		switch {
		case h.Name == domain.Return: // a reason, even empty, as the endpoint takes it
			buf = jsonw.AppendString(append(buf, `,"reason":`...), h.Reason)
		case h.Name == domain.Deliver:
			buf = member(buf, "note", h.Note)
		}
	}
	return append(buf, '}'), nil
}

// body is one request of Batch, encoded.
type body struct {
	n    int // its commands
	data []byte
	err  error
}

// encodeBodies encodes cmds into bodies of at most ServerBatch commands
// and ServerBatchBytes, in order, one ahead of the request being sent,
// until ctx ends.
func encodeBodies(ctx context.Context, cmds []api.Command) <-chan body {
	ch := make(chan body, 1)
	go func() {
		defer close(ch)
		n := ServerBatch
		size := 0 // of the body before: room for the next
		for len(cmds) > 0 {
			chunk := cmds[:min(n, len(cmds))]
			b := encodeBody(chunk, make([]byte, 0, size+size/8))
			if b.err == nil && len(b.data) > ServerBatchBytes && len(chunk) > 1 {
				n = len(chunk) / 2 // long titles: send fewer at a time
				continue
			}
			size = len(b.data)
			cmds = cmds[len(chunk):]
			select {
			case ch <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return ch
}

// encodeBody encodes one request into buf.
func encodeBody(chunk []api.Command, buf []byte) body {
	buf = append(buf, `{"commands":[`...)
	for i, c := range chunk {
		if i > 0 {
			buf = append(buf, ',')
		}
		var err error
		if buf, err = appendCommand(buf, c); err != nil {
			return body{err: err}
		}
	}
	return body{n: len(chunk), data: append(buf, ']', '}')}
}

// Batch sends cmds to the server, ServerBatch at a time, in order; the
// next request is encoded while the server answers one.
func (s *Server) Batch(ctx context.Context, _ api.Actor, cmds []api.Command) ([]api.CommandResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]api.CommandResult, 0, len(cmds))
	for b := range encodeBodies(ctx, cmds) {
		if b.err != nil {
			return nil, b.err
		}
		var answer batchAnswer
		if err := s.do(ctx, http.MethodPost, "/api/v1/batch", b.data, &answer); err != nil {
			return nil, err
		}
		if len(answer.Results) != b.n {
			return nil, fmt.Errorf("the server answered %d results for %d commands", len(answer.Results), b.n)
		}
		for _, r := range answer.Results {
			res := api.CommandResult{Position: r.Position, Created: r.Status == http.StatusCreated, Replayed: r.Replayed}
			if r.Problem != nil {
				res.Err = &RemoteError{Status: r.Status, Detail: r.Problem.Detail}
			}
			out = append(out, res)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

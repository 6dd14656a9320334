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
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
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
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: want http://host:port or https://host", base)
	}
	return &Server{base: strings.TrimRight(base, "/"), token: token,
		client: &http.Client{Timeout: 5 * time.Minute}}, nil
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
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("reading the server's answer: %w", err)
	}
	return nil
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

// batchCommand is one command as POST /api/v1/batch takes it.
type batchCommand struct {
	Command        string  `json:"command"`
	IdempotencyKey string  `json:"idempotency_key,omitempty"`
	ID             string  `json:"id,omitempty"`
	Name           string  `json:"name,omitempty"`
	Supplier       string  `json:"supplier,omitempty"`
	Customer       string  `json:"customer,omitempty"`
	Kind           string  `json:"kind,omitempty"`
	Title          string  `json:"title,omitempty"`
	ResolveWithin  string  `json:"resolve_within,omitempty"`
	OccurredAt     string  `json:"occurred_at,omitempty"`
	Reason         *string `json:"reason,omitempty"`
	Note           *string `json:"note,omitempty"`
}

func wireCommand(c api.Command) (batchCommand, error) {
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	b := batchCommand{IdempotencyKey: c.Meta.IdempotencyKey}
	switch {
	case c.Department != nil:
		d := c.Department
		b.Command, b.ID, b.Name, b.OccurredAt = "department", d.ID, d.Name, at(d.At)
	case c.Agreement != nil:
		a := c.Agreement
		b.Command, b.Supplier, b.Customer, b.Kind, b.OccurredAt = "agreement", a.Supplier, a.Customer, a.Kind, at(a.At)
		b.ResolveWithin = a.ResolveWithin.String()
	case c.Request != nil:
		r := c.Request
		b.Command, b.ID, b.Supplier, b.Customer, b.Kind, b.Title, b.OccurredAt = "request", r.ID, r.Supplier, r.Customer, r.Kind, r.Title, at(r.At)
	default:
		b.ID = c.HandoffID
		h := c.Handoff
		switch h.Name {
		case domain.Accept:
			b.Command, b.OccurredAt = "accept", at(h.At)
		case domain.Deliver:
			b.Command, b.OccurredAt = "deliver", at(h.At)
			if h.Note != "" {
				b.Note = &h.Note
			}
		case domain.Return:
			b.Command, b.OccurredAt, b.Reason = "return", at(h.At), &h.Reason
		default:
			return b, fmt.Errorf("the importer cannot send %q to a server", h.Name)
		}
	}
	return b, nil
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
		wire := make([]batchCommand, 0, min(ServerBatch, len(cmds)))
		n := ServerBatch
		for len(cmds) > 0 {
			chunk := cmds[:min(n, len(cmds))]
			b := encodeBody(chunk, wire)
			if b.err == nil && len(b.data) > ServerBatchBytes && len(chunk) > 1 {
				n = len(chunk) / 2 // long titles: send fewer at a time
				continue
			}
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

// encodeBody encodes one request, reusing wire.
func encodeBody(chunk []api.Command, wire []batchCommand) body {
	req := struct {
		Commands []batchCommand `json:"commands"`
	}{wire[:0]}
	for _, c := range chunk {
		w, err := wireCommand(c)
		if err != nil {
			return body{err: err}
		}
		req.Commands = append(req.Commands, w)
	}
	data, err := json.Marshal(req, jsontext.AllowInvalidUTF8(true))
	return body{n: len(chunk), data: data, err: err}
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
		var answer struct {
			Results []struct {
				Status   int          `json:"status"`
				Position uint64       `json:"position"`
				Replayed bool         `json:"replayed"`
				Problem  *problemJSON `json:"problem"`
			} `json:"results"`
		}
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

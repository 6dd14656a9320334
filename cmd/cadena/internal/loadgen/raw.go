package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Request is one request of RunRaw, filled in by an AppendNext: Target
// (the path and query) and Body are appended to, from empty, for every
// request, so that their memory is reused.
type Request struct {
	Method string
	Target []byte
	Body   []byte
}

// AppendNext fills req as the request connection conn sends as its i-th
// (from 0), or returns false when that connection has no more to send.
type AppendNext func(req *Request, conn, i int) bool

// Raw is where RunRaw sends its requests: a host:port and the header lines
// every request carries, each ending in "\r\n" (Host, Content-Length and
// the request line are written by RunRaw).
type Raw struct {
	Addr   string
	Header string
}

// ErrProtocol is returned, wrapped, in Result.FirstFailure for an answer
// RunRaw cannot read as HTTP/1.1.
var ErrProtocol = errors.New("loadgen: malformed response")

// rawTimeout bounds each request's write and answer, so that a server that
// stops answering ends the run instead of hanging it.
const rawTimeout = 30 * time.Second

// RunRaw does what Run does over plain keep-alive HTTP/1.1 connections to
// r.Addr, writing each request into a reused buffer and reading each answer
// with a minimal parser (status line, Content-Length or chunked body,
// Connection: close), so that the load generator allocates nothing per
// request and takes as little CPU as it can from a server on the same
// machine. Every answer's status is checked with o.OK as Run does; a
// connection the server closes is dialled again.
func RunRaw(ctx context.Context, r Raw, o Options, next AppendNext) Result {
	ok := okOf(o)
	return drive(ctx, o, func(c int) (func(i int) outcome, func()) {
		w := &rawConn{r: r}
		stop := context.AfterFunc(ctx, w.close)
		var req Request
		return func(i int) outcome {
				req.Target, req.Body = req.Target[:0], req.Body[:0]
				if !next(&req, c, i) {
					return outcome{stop: true}
				}
				t0 := time.Now()
				status, body, err := w.do(&req)
				out := outcome{d: time.Since(t0)}
				switch {
				case err != nil:
					out.stop, out.err = ctx.Err() != nil, fmt.Errorf("%s %s: %w", req.Method, req.Target, err)
				case !ok(status):
					out.err = fmt.Errorf("%w %d for %s %s: %.200s", ErrStatus, status, req.Method, req.Target, body)
				}
				return out
			}, func() {
				stop()
				w.close()
			}
	})
}

// rawConn is one connection of RunRaw with its reused buffers.
type rawConn struct {
	r    Raw
	mu   sync.Mutex // guards c against close from the context's AfterFunc
	c    net.Conn
	br   *bufio.Reader
	out  []byte
	body []byte
	line []byte
}

func (w *rawConn) close() {
	w.mu.Lock()
	if w.c != nil {
		w.c.Close()
		w.c = nil
	}
	w.mu.Unlock()
}

// conn returns the open connection, dialling one when there is none.
func (w *rawConn) conn() (net.Conn, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.c != nil {
		return w.c, nil
	}
	c, err := net.DialTimeout("tcp", w.r.Addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	w.c = c
	if w.br == nil {
		w.br = bufio.NewReaderSize(c, 16<<10)
	} else {
		w.br.Reset(c)
	}
	return c, nil
}

// do writes req and reads its answer: the status and the body (valid until
// the next call).
func (w *rawConn) do(req *Request) (int, []byte, error) {
	c, err := w.conn()
	if err != nil {
		return 0, nil, err
	}
	out := append(w.out[:0], req.Method...)
	out = append(out, ' ')
	out = append(out, req.Target...)
	out = append(out, " HTTP/1.1\r\nHost: "...)
	out = append(out, w.r.Addr...)
	out = append(out, "\r\n"...)
	out = append(out, w.r.Header...)
	if len(req.Body) > 0 || req.Method == "POST" || req.Method == "PUT" {
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, int64(len(req.Body)), 10)
		out = append(out, "\r\n"...)
	}
	out = append(out, "\r\n"...)
	out = append(out, req.Body...)
	w.out = out
	c.SetDeadline(time.Now().Add(rawTimeout))
	if _, err := c.Write(out); err != nil {
		w.close()
		return 0, nil, err
	}
	status, keep, err := w.read()
	if err != nil || !keep {
		w.close()
	}
	return status, w.body, err
}

// read reads one answer into w.body and tells whether the connection may
// be kept.
func (w *rawConn) read() (status int, keep bool, err error) {
	line, err := w.readLine()
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 201 Created"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, false, fmt.Errorf("%w: status line %.80q", ErrProtocol, line)
	}
	status, okDigits := atoi(line[9:12])
	if !okDigits {
		return 0, false, fmt.Errorf("%w: status line %.80q", ErrProtocol, line)
	}
	keep = line[7] == '1'
	length, chunked := -1, false
	for {
		line, err = w.readLine()
		if err != nil {
			return 0, false, err
		}
		if len(line) == 0 {
			break
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			return 0, false, fmt.Errorf("%w: header line %.80q", ErrProtocol, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, okDigits := atoi(value)
			if !okDigits {
				return 0, false, fmt.Errorf("%w: Content-Length %.80q", ErrProtocol, value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(value, []byte("close")) {
				keep = false
			}
		}
	}
	w.body = w.body[:0]
	switch {
	case status == 204 || status == 304 || status/100 == 1:
	case chunked:
		err = w.readChunked()
	case length >= 0:
		err = w.readN(length)
	default: // the body runs to the end of the connection
		w.body, err = appendAll(w.body, w.br)
		keep = false
	}
	return status, keep, err
}

// readLine returns the next line without its "\r\n", valid until the next
// read.
func (w *rawConn) readLine() ([]byte, error) {
	line, err := w.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		w.line = append(w.line[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = w.br.ReadSlice('\n')
			w.line = append(w.line, line...)
		}
		line = w.line
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// readN appends n bytes of the answer to w.body.
func (w *rawConn) readN(n int) error {
	w.body = slices.Grow(w.body, n)
	start := len(w.body)
	w.body = w.body[:start+n]
	_, err := io.ReadFull(w.br, w.body[start:])
	return err
}

// readChunked appends a chunked body to w.body (trailers are skipped).
func (w *rawConn) readChunked() error {
	for {
		line, err := w.readLine()
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 32)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: chunk size %.80q", ErrProtocol, line)
		}
		if n == 0 {
			for {
				line, err := w.readLine()
				if err != nil {
					return err
				}
				if len(line) == 0 {
					return nil
				}
			}
		}
		if err := w.readN(int(n)); err != nil {
			return err
		}
		if line, err := w.readLine(); err != nil || len(line) != 0 {
			return fmt.Errorf("%w: no line end after a chunk", ErrProtocol)
		}
	}
}

func appendAll(dst []byte, r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	buf.Write(dst)
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// atoi parses a non-negative decimal number of at most 9 digits.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}

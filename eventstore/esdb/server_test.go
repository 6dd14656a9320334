package esdb

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cadena-project/cadena/eventstore"
)

// stubServer is a gRPC server that speaks just enough of KurrentDB's
// streams API for the real client to build its errors: every append fails
// its version check, every stream is missing and $all is empty. It lets
// the tests check error mapping against errors the client itself makes.
type stubServer struct {
	streams.UnimplementedStreamsServer
}

func (stubServer) Append(srv streams.Streams_AppendServer) error {
	var stream string
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		if o := req.GetOptions(); o != nil {
			stream = string(o.GetStreamIdentifier().GetStreamName())
		}
	}
	if stream == "too-large" { // as KurrentDB refuses an append over MaxAppendSize
		return status.Error(codes.InvalidArgument, "Maximum Append Size of 1048576 Exceeded.")
	}
	return srv.SendAndClose(&streams.AppendResp{Result: &streams.AppendResp_WrongExpectedVersion_{
		WrongExpectedVersion: &streams.AppendResp_WrongExpectedVersion{},
	}})
}

func (stubServer) Read(req *streams.ReadReq, srv streams.Streams_ReadServer) error {
	if s := req.GetOptions().GetStream(); s != nil {
		return srv.Send(&streams.ReadResp{Content: &streams.ReadResp_StreamNotFound_{
			StreamNotFound: &streams.ReadResp_StreamNotFound{StreamIdentifier: &shared.StreamIdentifier{StreamName: s.GetStreamIdentifier().GetStreamName()}},
		}})
	}
	return nil // $all: no events
}

// serveStub serves stubServer on l until the test ends.
func serveStub(t *testing.T, l net.Listener) {
	t.Helper()
	srv := grpc.NewServer()
	streams.RegisterStreamsServer(srv, stubServer{})
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
}

// connString returns a connection string for addr that gives up discovery
// after one quick attempt.
func connString(addr string) string {
	return "esdb://" + addr + "?tls=false&maxDiscoverAttempts=1&discoveryInterval=10&gossipTimeout=1"
}

func startStub(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveStub(t, l)
	return l.Addr().String()
}

var (
	clientErrsOnce                     sync.Once
	wrongVersionErr, notFoundErr, errs error
)

// clientErrors returns a wrong-expected-version error and a stream-not-found
// error as the client builds them from server responses.
func clientErrors(t *testing.T) (wrongVersion, notFound error) {
	t.Helper()
	clientErrsOnce.Do(func() {
		cfg, err := esdb.ParseConnectionString(connString(startStubForever()))
		if err != nil {
			errs = err
			return
		}
		cfg.Logger = esdb.NoopLogging()
		c, err := esdb.NewClient(cfg)
		if err != nil {
			errs = err
			return
		}
		defer c.Close()
		ctx := t.Context()
		_, wrongVersionErr = c.AppendToStream(ctx, "s", esdb.AppendToStreamOptions{ExpectedRevision: esdb.Revision(4)},
			esdb.EventData{EventID: [16]byte{1}, EventType: "t", Data: []byte(`{}`)})
		rs, err := c.ReadStream(ctx, "s", esdb.ReadStreamOptions{}, 10)
		if err != nil {
			errs = err
			return
		}
		defer rs.Close()
		_, notFoundErr = rs.Recv()
	})
	if errs != nil {
		t.Fatal(errs)
	}
	return wrongVersionErr, notFoundErr
}

// startStubForever serves a stub for the whole test binary (the errors it
// yields are shared between tests).
func startStubForever() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer()
	streams.RegisterStreamsServer(srv, stubServer{})
	go func() { _ = srv.Serve(l) }()
	return l.Addr().String()
}

func TestClientErrorsAreClassified(t *testing.T) {
	wrong, notFound := clientErrors(t)
	if !hasCode(wrong, esdb.ErrorCodeWrongExpectedVersion) {
		t.Errorf("append error %v: not ErrorCodeWrongExpectedVersion", wrong)
	}
	if !isNotFound(notFound) {
		t.Errorf("read error %v: not ErrorCodeResourceNotFound", notFound)
	}
	if isNotFound(wrong) || hasCode(notFound, esdb.ErrorCodeWrongExpectedVersion) {
		t.Error("errors confused")
	}
	// esdb.FromError reports false for every *esdb.Error (its boolean is
	// inverted): the reason the store uses errors.As.
	if _, ok := esdb.FromError(wrong); ok {
		t.Log("esdb.FromError now reports true; its inversion was fixed")
	}
}

func TestStoreAgainstStubServer(t *testing.T) {
	s, err := Open(t.Context(), connString(startStub(t)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	ev := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	if _, err := s.Append(ctx, "s-1", eventstore.Exact(3), ev); !errors.Is(err, eventstore.ErrWrongVersion) {
		t.Errorf("Append: err = %v, want ErrWrongVersion", err)
	}
	if _, err := s.Append(ctx, "too-large", eventstore.Any, ev); !errors.Is(err, eventstore.ErrEventTooLarge) {
		t.Errorf("Append over the server's size limit: err = %v, want ErrEventTooLarge", err)
	}
	for _, err := range s.ReadStream(ctx, "s-1", 0) {
		t.Errorf("ReadStream of a missing stream yielded %v", err)
	}
	head, err := s.Head(ctx)
	if err != nil || head != 0 {
		t.Errorf("Head = %d, %v; want 0, nil", head, err)
	}
	for _, err := range s.ReadAll(ctx, 0) {
		t.Errorf("ReadAll of an empty log yielded %v", err)
	}
}

// TestReadyRecoversAfterFailedDiscovery runs the real client against a
// port with nothing behind it, so its discovery fails and it closes for
// good, then starts a server on that port: Ready must return to nil by
// itself.
func TestReadyRecoversAfterFailedDiscovery(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	var logs syncBuffer
	s, err := Open(t.Context(), connString(addr), Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 3 {
		if err := s.Ready(t.Context()); err == nil {
			t.Fatal("Ready with no server: nil")
		}
	}

	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	serveStub(t, l)
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.Ready(t.Context())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Ready still failing: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "client closed itself") {
		t.Errorf("no client replacement logged:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "esdb client: ") {
		t.Errorf("client log lines not routed to the logger:\n%s", logs.String())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

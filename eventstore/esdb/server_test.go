package esdb

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
// its version check (except the store's reservations of event IDs, which
// succeed), every stream is missing and $all is empty. It lets
// the tests check error mapping against errors the client itself makes.
type stubServer struct {
	streams.UnimplementedStreamsServer

	// What the client sent, for tests that check the wire.
	mu       sync.Mutex
	appends  []*streams.AppendReq // all messages of all appends but reservations
	reserved []string             // the streams of the reservations
	requests []*streams.ReadReq
}

func (st *stubServer) Append(srv streams.Streams_AppendServer) error {
	var stream string
	var msgs []*streams.AppendReq
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		msgs = append(msgs, req)
		if o := req.GetOptions(); o != nil {
			stream = string(o.GetStreamIdentifier().GetStreamName())
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if isReservationStream(stream) {
		st.reserved = append(st.reserved, stream)
		return srv.SendAndClose(&streams.AppendResp{Result: &streams.AppendResp_Success_{Success: &streams.AppendResp_Success{
			CurrentRevisionOption: &streams.AppendResp_Success_CurrentRevision{CurrentRevision: 0},
			PositionOption:        &streams.AppendResp_Success_Position{Position: &streams.AppendResp_Position{CommitPosition: 1, PreparePosition: 1}},
		}}})
	}
	st.appends = append(st.appends, msgs...)
	if stream == "too-large" { // as KurrentDB refuses an append over MaxAppendSize
		return status.Error(codes.InvalidArgument, "Maximum Append Size of 1048576 Exceeded.")
	}
	return srv.SendAndClose(&streams.AppendResp{Result: &streams.AppendResp_WrongExpectedVersion_{
		WrongExpectedVersion: &streams.AppendResp_WrongExpectedVersion{},
	}})
}

func (st *stubServer) Read(req *streams.ReadReq, srv streams.Streams_ReadServer) error {
	st.mu.Lock()
	st.requests = append(st.requests, req)
	st.mu.Unlock()
	if s := req.GetOptions().GetStream(); s != nil {
		return srv.Send(&streams.ReadResp{Content: &streams.ReadResp_StreamNotFound_{
			StreamNotFound: &streams.ReadResp_StreamNotFound{StreamIdentifier: &shared.StreamIdentifier{StreamName: s.GetStreamIdentifier().GetStreamName()}},
		}})
	}
	return nil // $all: no events
}

// serveStub serves a stubServer on l until the test ends.
func serveStub(t *testing.T, l net.Listener) *stubServer {
	t.Helper()
	st := &stubServer{}
	srv := grpc.NewServer()
	streams.RegisterStreamsServer(srv, st)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return st
}

// connString returns a connection string for addr that gives up discovery
// after one quick attempt.
func connString(addr string) string {
	return "esdb://" + addr + "?tls=false&maxDiscoverAttempts=1&discoveryInterval=10&gossipTimeout=1"
}

func startStub(t *testing.T) (string, *stubServer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return l.Addr().String(), serveStub(t, l)
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
	require.NoError(t, errs)
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
	streams.RegisterStreamsServer(srv, &stubServer{})
	go func() { _ = srv.Serve(l) }()
	return l.Addr().String()
}

func TestClientErrorsAreClassified(t *testing.T) {
	wrong, notFound := clientErrors(t)
	assert.True(t, hasCode(wrong, esdb.ErrorCodeWrongExpectedVersion), "append error %v: not ErrorCodeWrongExpectedVersion", wrong)
	assert.True(t, isNotFound(notFound), "read error %v: not ErrorCodeResourceNotFound", notFound)
	assert.False(t, isNotFound(wrong) || hasCode(notFound, esdb.ErrorCodeWrongExpectedVersion), "errors confused")
	// esdb.FromError reports false for every *esdb.Error (its boolean is
	// inverted): the reason the store uses errors.As.
	if _, ok := esdb.FromError(wrong); ok {
		t.Log("esdb.FromError now reports true; its inversion was fixed")
	}
}

func TestStoreAgainstStubServer(t *testing.T) {
	addr, _ := startStub(t)
	s, err := Open(t.Context(), connString(addr), Options{})
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()
	require.NoError(t, s.Ready(ctx), "Ready")
	ev := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	_, err = s.Append(ctx, "s-1", eventstore.Exact(3), ev)
	assert.ErrorIs(t, err, eventstore.ErrWrongVersion, "Append")
	_, err = s.Append(ctx, "too-large", eventstore.Any, ev)
	assert.ErrorIs(t, err, eventstore.ErrEventTooLarge, "Append over the server's size limit")
	for _, err := range s.ReadStream(ctx, "s-1", 0) {
		assert.Fail(t, "ReadStream of a missing stream yielded something", "%v", err)
	}
	head, err := s.Head(ctx)
	require.NoError(t, err, "Head")
	assert.Zero(t, head, "Head")
	for _, err := range s.ReadAll(ctx, 0) {
		assert.Fail(t, "ReadAll of an empty log yielded something", "%v", err)
	}
}

// TestReadyRecoversAfterFailedDiscovery runs the real client against a
// port with nothing behind it, so its discovery fails and it closes for
// good, then starts a server on that port: Ready must return to nil by
// itself.
func TestReadyRecoversAfterFailedDiscovery(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()

	var logs syncBuffer
	s, err := Open(t.Context(), connString(addr), Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	defer s.Close()
	for range 3 {
		require.Error(t, s.Ready(t.Context()), "Ready with no server")
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
			require.NoError(t, err, "Ready still failing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	assert.Contains(t, logs.String(), "client closed itself", "no client replacement logged")
	assert.Contains(t, logs.String(), "esdb client: ", "client log lines not routed to the logger")
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

// TestWireForms checks what the client sends for the store's requests:
// expected revisions, event IDs and $all positions as values (the client
// ignores pointer forms), and the system-event filter.
func TestWireForms(t *testing.T) {
	addr, st := startStub(t)
	s, err := Open(t.Context(), connString(addr), Options{})
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()

	ev := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{"a":1}`)}
	for _, exp := range []eventstore.ExpectedVersion{eventstore.Exact(3), eventstore.NoStream, eventstore.Any} {
		_, _ = s.Append(ctx, "wire", exp, ev) // the stub refuses every append
	}
	st.mu.Lock()
	var opts []*streams.AppendReq_Options
	var ids []string
	for _, m := range st.appends {
		if o := m.GetOptions(); o != nil {
			opts = append(opts, o)
		}
		if p := m.GetProposedMessage(); p != nil {
			id, err := esdb.ParseUUIDFromInt64(p.GetId().GetStructured().GetMostSignificantBits(), p.GetId().GetStructured().GetLeastSignificantBits())
			require.NoError(t, err)
			ids = append(ids, id.String())
			assert.Equal(t, map[string]string{"type": "t.v1", "content-type": "application/json"}, p.GetMetadata(), "proposed message's metadata")
			assert.JSONEq(t, `{"a":1}`, string(p.GetData()), "proposed message's data")
		}
	}
	st.mu.Unlock()
	require.Len(t, opts, 3, "appends sent")
	_, ok := opts[0].GetExpectedStreamRevision().(*streams.AppendReq_Options_Revision)
	assert.True(t, ok && opts[0].GetRevision() == 2, "Exact(3) sent as %v, want revision 2", opts[0].GetExpectedStreamRevision())
	assert.NotNil(t, opts[1].GetNoStream(), "NoStream sent as %v", opts[1].GetExpectedStreamRevision())
	assert.NotNil(t, opts[2].GetAny(), "Any sent as %v", opts[2].GetExpectedStreamRevision())
	assert.Equal(t, []string{ev.ID, ev.ID, ev.ID}, ids, "event IDs sent")

	sctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	for range s.Subscribe(sctx, 4242) {
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var sub *streams.ReadReq_Options
	for _, r := range st.requests {
		if r.GetOptions().GetSubscription() != nil {
			sub = r.GetOptions()
			break
		}
	}
	require.NotNil(t, sub, "no subscription request sent")
	p := sub.GetAll().GetPosition()
	assert.Equal(t, [2]uint64{4242, 4242}, [2]uint64{p.GetCommitPosition(), p.GetPreparePosition()}, "subscription's commit and prepare positions")
	assert.Equal(t, "^[^\\$].*", sub.GetFilter().GetEventType().GetRegex(), "subscription filter: want system events excluded")
	if assert.NotEmpty(t, st.reserved, "reservations sent") {
		assert.Equal(t, reservationPrefix+ev.ID, st.reserved[0], "the first reservation")
	}
}

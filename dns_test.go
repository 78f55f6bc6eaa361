package groupcache

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// dnsServer is a tiny DNS server on 127.0.0.1 over UDP, with the standard
// library only: it answers A, AAAA and SRV questions from its records, and
// SERVFAIL while failing is set.
type dnsServer struct {
	conn *net.UDPConn

	mu      sync.Mutex
	a       map[string][]net.IP // name (lower case, with the final dot) → addresses, v4 and v6
	srv     map[string][]net.SRV
	failing bool
}

const (
	dnsTypeA    = 1
	dnsTypeAAAA = 28
	dnsTypeSRV  = 33
)

func startDNSServer(t *testing.T) *dnsServer {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{conn: conn, a: make(map[string][]net.IP), srv: make(map[string][]net.SRV)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 512)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			if res := s.answer(buf[:n]); res != nil {
				conn.WriteToUDP(res, from)
			}
		}
	}()
	t.Cleanup(func() {
		conn.Close()
		<-done
	})
	return s
}

// resolver returns a Resolver that asks s, whatever the system's
// configuration says.
func (s *dnsServer) resolver() *net.Resolver {
	addr := s.conn.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", addr)
		},
	}
}

func (s *dnsServer) set(name string, ips []net.IP, srvs []net.SRV, failing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.a[name], s.srv[name], s.failing = ips, srvs, failing
}

// answer returns the response to the query q, or nil to drop it.
func (s *dnsServer) answer(q []byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	name, end, ok := readDNSName(q, 12)
	if !ok || end+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[end:])
	question := q[12 : end+4]

	s.mu.Lock()
	defer s.mu.Unlock()
	res := make([]byte, 12, 512)
	copy(res, q[:2])                            // ID
	binary.BigEndian.PutUint16(res[2:], 0x8180) // response, recursion desired and available
	binary.BigEndian.PutUint16(res[4:], 1)
	if s.failing {
		res[3] |= 2 // SERVFAIL
		return append(res, question...)
	}
	res = append(res, question...)
	var count uint16
	rr := func(typ uint16, rdata []byte) {
		res = append(res, 0xC0, 12) // the question's name
		res = binary.BigEndian.AppendUint16(res, typ)
		res = binary.BigEndian.AppendUint16(res, 1) // IN
		res = binary.BigEndian.AppendUint32(res, 1) // TTL
		res = binary.BigEndian.AppendUint16(res, uint16(len(rdata)))
		res = append(res, rdata...)
		count++
	}
	switch qtype {
	case dnsTypeA, dnsTypeAAAA:
		for _, ip := range s.a[name] {
			if ip4 := ip.To4(); ip4 != nil && qtype == dnsTypeA {
				rr(qtype, ip4)
			} else if ip4 == nil && qtype == dnsTypeAAAA {
				rr(qtype, ip.To16())
			}
		}
	case dnsTypeSRV:
		for _, srv := range s.srv[name] {
			rdata := binary.BigEndian.AppendUint16(nil, srv.Priority)
			rdata = binary.BigEndian.AppendUint16(rdata, srv.Weight)
			rdata = binary.BigEndian.AppendUint16(rdata, srv.Port)
			for _, label := range strings.Split(strings.TrimSuffix(srv.Target, "."), ".") {
				rdata = append(rdata, byte(len(label)))
				rdata = append(rdata, label...)
			}
			rr(qtype, append(rdata, 0))
		}
	}
	binary.BigEndian.PutUint16(res[6:], count)
	return res
}

// readDNSName reads the uncompressed name at b[i:], in lower case with a
// final dot, and returns the index after it.
func readDNSName(b []byte, i int) (string, int, bool) {
	var sb strings.Builder
	for i < len(b) {
		n := int(b[i])
		i++
		if n == 0 {
			return strings.ToLower(sb.String()), i, true
		}
		if n > 63 || i+n > len(b) {
			return "", 0, false
		}
		sb.Write(b[i : i+n])
		sb.WriteByte('.')
		i += n
	}
	return "", 0, false
}

// watchLists runs src and sends each list it reports on the returned
// channel until the test ends.
func watchLists(t *testing.T, src PeerSource) <-chan []string {
	t.Helper()
	lists := make(chan []string, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Watch(ctx, func(l []string) { lists <- l }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch after cancel = %v; want context.Canceled", err)
		}
	})
	return lists
}

func nextList(t *testing.T, lists <-chan []string) []string {
	t.Helper()
	select {
	case l := <-lists:
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no list in 5s")
		return nil
	}
}

func TestDNSHeadlessServiceRecords(t *testing.T) {
	s := startDNSServer(t)
	const name = "cache.test."
	s.set(name, []net.IP{net.ParseIP("10.0.0.2"), net.ParseIP("10.0.0.1"), net.ParseIP("fd00::1")}, nil, false)
	src := &DNS{Name: name, Port: 8080, Interval: 10 * time.Millisecond, Resolver: s.resolver()}
	lists := watchLists(t, src)
	want := []string{"http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://[fd00::1]:8080"}
	if got := nextList(t, lists); !slices.Equal(got, want) {
		t.Fatalf("first list %v; want %v", got, want)
	}

	// The name fails, then has no records: the last good list stays,
	// and nothing is reported.
	s.set(name, nil, nil, true)
	waitFor(t, func() bool { return src.Errors() >= 2 })
	s.set(name, nil, nil, false)
	errs := src.Errors()
	waitFor(t, func() bool { return src.Errors() >= errs+2 })
	select {
	case l := <-lists:
		t.Fatalf("reported %v while the lookups failed; want nothing", l)
	default:
	}

	// A pod goes: reported once.
	s.set(name, []net.IP{net.ParseIP("10.0.0.1")}, nil, false)
	if got := nextList(t, lists); !slices.Equal(got, []string{"http://10.0.0.1:8080"}) {
		t.Fatalf("after a change: %v", got)
	}
}

func TestDNSSRVRecords(t *testing.T) {
	s := startDNSServer(t)
	const name = "_http._tcp.cache.test."
	s.set(name, nil, []net.SRV{
		{Target: "b.cache.test.", Port: 9002, Priority: 1, Weight: 1},
		{Target: "a.cache.test.", Port: 9001, Priority: 1, Weight: 1},
	}, false)
	src := &DNS{Name: name, SRV: true, Interval: 10 * time.Millisecond, Resolver: s.resolver()}
	want := []string{"http://a.cache.test:9001", "http://b.cache.test:9002"}
	if got := nextList(t, watchLists(t, src)); !slices.Equal(got, want) {
		t.Fatalf("SRV list %v; want %v", got, want)
	}
}

func TestDNSRefusesBadConfig(t *testing.T) {
	for _, src := range []*DNS{{}, {Name: "x."}, {Name: "x.", Port: 70000}} {
		if err := src.Watch(context.Background(), func([]string) {}); !errors.Is(err, ErrDNSConfig) {
			t.Errorf("Watch of %+v = %v; want ErrDNSConfig", src, err)
		}
	}
}

// TestDNSDrivesDiscover runs a pool from a DNS source: the lookup's peers
// are its ring, and a DNS failure leaves the ring as it was.
func TestDNSDrivesDiscover(t *testing.T) {
	s := startDNSServer(t)
	const name = "cache.test."
	s.set(name, []net.IP{net.ParseIP("127.0.0.2"), net.ParseIP("127.0.0.3")}, nil, false)
	pool := NewHTTPPoolOpts("http://127.0.0.2:8080", &HTTPPoolOptions{Registry: NewRegistry()})
	src := &DNS{Name: name, Port: 8080, Interval: 10 * time.Millisecond, Resolver: s.resolver()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Discover(ctx, src) }()
	defer func() { cancel(); <-done }()
	want := []string{"http://127.0.0.2:8080", "http://127.0.0.3:8080"}
	waitFor(t, func() bool { return slices.Equal(ringPeers(pool), want) })
	s.set(name, nil, nil, true)
	errs := src.Errors()
	waitFor(t, func() bool { return src.Errors() >= errs+3 })
	if got := ringPeers(pool); !slices.Equal(got, want) {
		t.Fatalf("ring after DNS failures %v; want %v kept", got, want)
	}
}

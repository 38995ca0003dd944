package main

// FerretDB 1.24's SQLite backend keeps at most 100 connections per database. A command holds one
// while it reads or writes, and an update or delete command holds one more per statement: each
// statement's query rows stay open until the whole command ends (they are closed by a deferred
// call in the statement loop), and each statement then writes in a transaction on yet another
// connection. When the commands in flight on one database hold all 100 that way (clients
// reconnecting together after a restart, each sending the batched writes it held back), every
// one of them waits for a transaction connection none will give back, and the database hangs
// for good. This gate listens where clients connect and lets commands into FerretDB (on a Unix
// socket behind it) only while the connections they may hold together stay under the budget:
// a command counts 2, an update or delete 2 more per statement. A command waits for its turn
// on its own connection, in arrival order; replies go back as they come.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"
)

// MongoDB wire protocol: a message starts with its length (int32, little-endian, the header
// included), requestID, responseTo and opCode; OP_MSG (2013) then has flagBits.
const (
	opMsg           = 2013
	checksumPresent = 1 << 0
	moreToCome      = 1 << 1
	maxMessageLen   = 48 << 20
)

// gate admits weighted commands while their weights sum to at most capacity, first come first served.
type gate struct {
	mu       sync.Mutex
	capacity int
	used     int
	waiting  []*waiter
}

type waiter struct {
	weight int
	ready  chan struct{}
}

func newGate(capacity int) *gate { return &gate{capacity: capacity} }

func (g *gate) acquire(weight int) int {
	if weight > g.capacity {
		weight = g.capacity
	}
	g.mu.Lock()
	if len(g.waiting) == 0 && g.used+weight <= g.capacity {
		g.used += weight
		g.mu.Unlock()
		return weight
	}
	w := &waiter{weight: weight, ready: make(chan struct{})}
	g.waiting = append(g.waiting, w)
	g.mu.Unlock()
	<-w.ready
	return weight
}

func (g *gate) release(weight int) {
	g.mu.Lock()
	g.used -= weight
	for len(g.waiting) > 0 && g.used+g.waiting[0].weight <= g.capacity {
		w := g.waiting[0]
		g.waiting = g.waiting[1:]
		g.used += w.weight
		close(w.ready)
	}
	g.mu.Unlock()
}

// weightOf is how many SQLite connections a command may hold at once: 2, plus 2 per statement
// of an update or delete (its open query rows and its transaction).
func weightOf(msg []byte) int {
	if binary.LittleEndian.Uint32(msg[12:16]) != opMsg || len(msg) < 21 {
		return 2
	}
	end := len(msg)
	if binary.LittleEndian.Uint32(msg[16:20])&checksumPresent != 0 {
		end -= 4
	}
	statements := 0
	for pos := 20; pos < end; {
		kind := msg[pos]
		pos++
		if pos+4 > end {
			break
		}
		size := int(binary.LittleEndian.Uint32(msg[pos : pos+4]))
		if size < 5 || pos+size > end {
			break
		}
		section := msg[pos : pos+size]
		switch kind {
		case 0: // the command document: updates/deletes inside it
			statements += statementsIn(section)
		case 1: // a document sequence (updates, deletes or documents): int32 size, cstring name, documents
			name, rest, ok := cstring(section[4:])
			if ok && (name == "updates" || name == "deletes") {
				statements += documentsIn(rest)
			}
		}
		pos += size
	}
	return 2 + 2*statements
}

// statementsIn counts the elements of a command document's top-level "updates" or "deletes" array.
func statementsIn(doc []byte) int {
	for pos := 4; pos < len(doc)-1; {
		t := doc[pos]
		name, _, ok := cstring(doc[pos+1:])
		if !ok {
			return 0
		}
		valueAt := pos + 1 + len(name) + 1
		n := valueSize(t, doc[valueAt:])
		if n < 0 || valueAt+n > len(doc) {
			return 0
		}
		if t == 0x04 && (name == "updates" || name == "deletes") {
			return elementsIn(doc[valueAt : valueAt+n])
		}
		pos = valueAt + n
	}
	return 0
}

// elementsIn counts the elements of a BSON array.
func elementsIn(arr []byte) int {
	count := 0
	for pos := 4; pos < len(arr)-1; count++ {
		name, _, ok := cstring(arr[pos+1:])
		if !ok {
			return count
		}
		valueAt := pos + 1 + len(name) + 1
		n := valueSize(arr[pos], arr[valueAt:])
		if n < 0 {
			return count
		}
		pos = valueAt + n
	}
	return count
}

// documentsIn counts the BSON documents one after another in b.
func documentsIn(b []byte) int {
	count := 0
	for pos := 0; pos+4 <= len(b); count++ {
		n := int(binary.LittleEndian.Uint32(b[pos : pos+4]))
		if n < 5 {
			return count
		}
		pos += n
	}
	return count
}

func cstring(b []byte) (string, []byte, bool) {
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), b[i+1:], true
		}
	}
	return "", nil, false
}

// valueSize is the size of a BSON value of type t at the start of b (-1 if unknown or cut).
func valueSize(t byte, b []byte) int {
	i32 := func() int {
		if len(b) < 4 {
			return -1
		}
		return int(binary.LittleEndian.Uint32(b[:4]))
	}
	switch t {
	case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
		return 8
	case 0x02, 0x0D, 0x0E: // string, JavaScript code, symbol
		if n := i32(); n >= 0 {
			return 4 + n
		}
		return -1
	case 0x03, 0x04, 0x0F: // document, array, code with scope
		return i32()
	case 0x05: // binary
		if n := i32(); n >= 0 {
			return 5 + n
		}
		return -1
	case 0x06, 0x0A, 0xFF, 0x7F: // undefined, null, min key, max key
		return 0
	case 0x07: // ObjectId
		return 12
	case 0x08: // bool
		return 1
	case 0x0B: // regex: two cstrings
		p, rest, ok := cstring(b)
		if !ok {
			return -1
		}
		f, _, ok := cstring(rest)
		if !ok {
			return -1
		}
		return len(p) + 1 + len(f) + 1
	case 0x0C: // DBPointer: string and ObjectId
		if n := i32(); n >= 0 {
			return 4 + n + 12
		}
		return -1
	case 0x10: // int32
		return 4
	case 0x13: // decimal128
		return 16
	}
	return -1
}

func readMessage(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(head[:]))
	if n < 16 || n > maxMessageLen {
		return nil, fmt.Errorf("message length %d out of range", n)
	}
	msg := make([]byte, n)
	copy(msg, head[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// moreToComeOf says whether an OP_MSG is followed by more without an answer in between: a
// request that wants no reply, or a reply of an exhaust stream that more replies follow.
func moreToComeOf(msg []byte) bool {
	return binary.LittleEndian.Uint32(msg[12:16]) == opMsg && len(msg) >= 20 && binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0
}

// clients are the gate's client connections, so that a shutdown can drain them.
type clients struct {
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	draining bool
	wg       sync.WaitGroup
}

func newClients() *clients { return &clients{conns: map[net.Conn]struct{}{}} }

// add registers a client; false once draining (the connection is refused).
func (cs *clients) add(c net.Conn) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.draining {
		return false
	}
	cs.conns[c] = struct{}{}
	cs.wg.Add(1)
	return true
}

func (cs *clients) remove(c net.Conn) {
	cs.mu.Lock()
	delete(cs.conns, c)
	cs.mu.Unlock()
	cs.wg.Done()
}

// drain stops every client connection at its next request: a command under way finishes and
// its reply is delivered, no further one is read. It returns once all have ended, or at the
// deadline (then the rest are closed). FerretDB is only stopped after this, so no command runs
// while FerretDB shuts down; a client sees its connection closed between commands and retries
// once the database is back.
func (cs *clients) drain(timeout time.Duration) {
	cs.mu.Lock()
	cs.draining = true
	for c := range cs.conns {
		// unblocks a relay waiting for the next request; one writing a reply is not affected
		_ = c.SetReadDeadline(time.Now())
	}
	cs.mu.Unlock()
	done := make(chan struct{})
	go func() { cs.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		cs.mu.Lock()
		log.Printf("gate: %d client connection(s) still busy after %s: closed", len(cs.conns), timeout)
		for c := range cs.conns {
			_ = c.Close()
		}
		cs.mu.Unlock()
	}
}

// serveGated accepts clients on ln and relays each one's commands to FerretDB at backend
// (a Unix socket) through the gate g.
func serveGated(ln net.Listener, backend string, g *gate, cs *clients) error {
	for {
		client, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		if !cs.add(client) {
			client.Close()
			continue
		}
		go func() {
			defer cs.remove(client)
			relay(client, backend, g)
		}()
	}
}

func relay(client net.Conn, backend string, g *gate) {
	defer client.Close()
	server, err := net.Dial("unix", backend)
	if err != nil {
		log.Printf("gate: FerretDB not reachable at %s: %v", backend, err)
		return
	}
	defer server.Close()
	for {
		req, err := readMessage(client)
		if err != nil {
			return
		}
		weight := g.acquire(weightOf(req))
		if _, err := server.Write(req); err != nil {
			g.release(weight)
			return
		}
		if moreToComeOf(req) {
			g.release(weight)
			continue
		}
		reply, err := readMessage(server)
		g.release(weight)
		for err == nil {
			if _, err = client.Write(reply); err != nil || !moreToComeOf(reply) {
				break
			}
			reply, err = readMessage(server)
		}
		if err != nil {
			return
		}
	}
}

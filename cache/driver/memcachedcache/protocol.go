package memcachedcache

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The store speaks memcached's meta protocol (memcached 1.6 or later): it
// reports an entry's CAS value and remaining lifetime with its value,
// which compare-and-delete and counters that keep their expiry need, and
// one reply format covers get, set, add and delete.

// Meta reply codes.
const (
	codeHD = "HD" // success
	codeNS = "NS" // not stored (ms mode E: the key exists)
	codeEX = "EX" // CAS mismatch
	codeNF = "NF" // not found
	codeEN = "EN" // miss (mg)
)

// maxValueRead bounds the value size the reader accepts from a reply, so a
// corrupt stream cannot make it allocate without limit; memcached's own
// item limit is at most 1 GiB.
const maxValueRead = 1 << 30

// item is what mg returned.
type item struct {
	value []byte
	cas   uint64
	ttl   int64 // seconds left; -1 for no expiry
}

// readLine reads one reply line without its "\r\n".
func (cn *conn) readLine() (string, error) {
	line, err := cn.r.ReadSlice('\n')
	if err != nil {
		return "", err
	}
	if !bytes.HasSuffix(line, []byte("\r\n")) {
		return "", fmt.Errorf("malformed reply line %q", line)
	}
	return string(line[:len(line)-2]), nil
}

// replyError turns an error reply into an error, or reports a reply the
// command cannot have.
func replyError(cmd, line string) error {
	if strings.Contains(line, "object too large") {
		return fmt.Errorf("%w: server refused: %s", cachecore.ErrValueTooLarge, line)
	}
	if line == "ERROR" || strings.HasPrefix(line, "CLIENT_ERROR") || strings.HasPrefix(line, "SERVER_ERROR") {
		return fmt.Errorf("%w: %s: %s", errServer, cmd, line)
	}
	return fmt.Errorf("%w: %s: unexpected reply %q", errServer, cmd, line)
}

// metaGet fetches key's value, CAS value and remaining lifetime.
func (cn *conn) metaGet(key string) (item, bool, error) {
	cn.w.WriteString("mg ")
	cn.w.WriteString(key)
	cn.w.WriteString(" v c t\r\n")
	if err := cn.w.Flush(); err != nil {
		return item{}, false, err
	}
	line, err := cn.readLine()
	if err != nil {
		return item{}, false, err
	}
	if line == codeEN {
		return item{}, false, nil
	}
	fields := strings.Fields(line)
	if len(fields) < 2 || fields[0] != "VA" {
		return item{}, false, replyError("mg", line)
	}
	size, err := strconv.Atoi(fields[1])
	if err != nil || size < 0 || size > maxValueRead {
		return item{}, false, replyError("mg", line)
	}
	it := item{ttl: -1}
	for _, f := range fields[2:] {
		switch f[0] {
		case 'c':
			it.cas, err = strconv.ParseUint(f[1:], 10, 64)
		case 't':
			it.ttl, err = strconv.ParseInt(f[1:], 10, 64)
		}
		if err != nil {
			return item{}, false, replyError("mg", line)
		}
	}
	buf := make([]byte, size+2)
	if _, err := io.ReadFull(cn.r, buf); err != nil {
		return item{}, false, err
	}
	if buf[size] != '\r' || buf[size+1] != '\n' {
		return item{}, false, fmt.Errorf("%w: mg: value not followed by CRLF", errServer)
	}
	it.value = buf[:size:size]
	return it, true, nil
}

// metaSet sends ms with memcached expiry time exp and further flags (mode,
// CAS) and returns the reply code.
func (cn *conn) metaSet(key string, value []byte, exp int64, flags ...string) (string, error) {
	cn.w.WriteString("ms ")
	cn.w.WriteString(key)
	cn.w.WriteByte(' ')
	cn.w.Write(strconv.AppendInt(cn.scratch[:0], int64(len(value)), 10))
	cn.w.WriteString(" T")
	cn.w.Write(strconv.AppendInt(cn.scratch[:0], exp, 10))
	for _, f := range flags {
		cn.w.WriteByte(' ')
		cn.w.WriteString(f)
	}
	cn.w.WriteString("\r\n")
	cn.w.Write(value)
	cn.w.WriteString("\r\n")
	if err := cn.w.Flush(); err != nil {
		return "", err
	}
	return cn.code("ms", codeHD, codeNS, codeEX, codeNF)
}

// metaDelete sends md with flags and returns the reply code.
func (cn *conn) metaDelete(key string, flags ...string) (string, error) {
	cn.w.WriteString("md ")
	cn.w.WriteString(key)
	for _, f := range flags {
		cn.w.WriteByte(' ')
		cn.w.WriteString(f)
	}
	cn.w.WriteString("\r\n")
	if err := cn.w.Flush(); err != nil {
		return "", err
	}
	return cn.code("md", codeHD, codeNF, codeEX)
}

// code reads a reply line and returns its code if it is one of want.
func (cn *conn) code(cmd string, want ...string) (string, error) {
	line, err := cn.readLine()
	if err != nil {
		return "", err
	}
	code, _, _ := strings.Cut(line, " ")
	for _, w := range want {
		if code == w {
			return code, nil
		}
	}
	return "", replyError(cmd, line)
}

// command sends a classic command line and checks that the reply starts
// with want.
func (cn *conn) command(cmd, want string) error {
	cn.w.WriteString(cmd)
	cn.w.WriteString("\r\n")
	if err := cn.w.Flush(); err != nil {
		return err
	}
	line, err := cn.readLine()
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, want) {
		return replyError(cmd, line)
	}
	return nil
}

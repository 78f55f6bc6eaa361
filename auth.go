package groupcache

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request authentication with a shared secret (HTTPPoolOptions.Secret).
//
// The client puts three headers on each request:
//
//	Groupcache-Timestamp:      the Unix time in seconds, in decimal
//	Groupcache-Content-Sha256: the SHA-256 of the body, in hex (PUT and
//	                           POST only)
//	Groupcache-Signature:      HMAC-SHA256 of the string to sign, keyed
//	                           with the secret, in hex
//
// where the string to sign is
//
//	"groupcache-hmac-sha256\n" + method + "\n" + group + "/" + key + "\n" +
//	timestamp + "\n" + hex SHA-256 of the body
//
// with the group and the key each escaped canonically: every byte but
// ASCII letters, digits and "-._~" as "%" and two upper-case hex digits
// (the body of a GET or DELETE counts as empty). A batch of Gets (a POST,
// see getmanyhttp.go) names no key in its path; it is signed with the key
// "_batch", and its body, which lists the keys, with its hash. The signature covers the
// group and the key rather than the path, so that it holds wherever the
// pool is mounted: behind http.StripPrefix, or with a base path that the
// client splits differently between the peer's URL and its BasePath.
//
// The server checks the signature, in constant time, and the timestamp
// before it looks the group up or reads the body, and checks the body
// against its signed hash once it has read it. A signature binds the
// method, group, key, time and value, so it cannot be moved to another
// request; it can be replayed unchanged within MaxSignatureSkew, which for
// this protocol means fetching or storing the same value again. TLS keeps
// requests from being captured in the first place.

// MaxSignatureSkew is how far the timestamp of a signed request may lie
// from the receiving peer's clock, in either direction, for the request
// to be accepted. Peers' clocks must agree to well within it.
const MaxSignatureSkew = time.Minute

const (
	authScheme       = "Groupcache-HMAC-SHA256" // for WWW-Authenticate
	authPrefix       = "groupcache-hmac-sha256\n"
	headerTimestamp  = "Groupcache-Timestamp"
	headerBodySHA256 = "Groupcache-Content-Sha256"
	headerSignature  = "Groupcache-Signature"
)

// emptyBodySum is the SHA-256 of an empty body.
var emptyBodySum = sha256.Sum256(nil)

// signHeaders returns the authentication headers, as name and value
// pairs, for a request of method to path with body, sent at now. path is
// the request's escaped path, which ends with the group and the key as
// requestPath escapes them.
func signHeaders(secret []byte, method, path string, body []byte, now time.Time) [][2]string {
	return signResource(secret, method, resourceOfPath(path), body, now)
}

// signResource is signHeaders for the signedResource of the request.
func signResource(secret []byte, method, resource string, body []byte, now time.Time) [][2]string {
	ts := strconv.FormatInt(now.Unix(), 10)
	sum := emptyBodySum
	h := make([][2]string, 0, 3)
	if hasSignedBody(method) {
		sum = sha256.Sum256(body)
		h = append(h, [2]string{headerBodySHA256, hex.EncodeToString(sum[:])})
	}
	h = append(h,
		[2]string{headerTimestamp, ts},
		[2]string{headerSignature, hex.EncodeToString(signature(secret, method, resource, ts, sum[:]))})
	return h
}

// hasSignedBody reports whether the requests of method carry a body whose
// hash the signature covers.
func hasSignedBody(method string) bool {
	return method == http.MethodPut || method == http.MethodPost
}

// signedResource is the canonical form of a group and a key in the string
// to sign.
func signedResource(group, key string) string {
	return escapeSegment(group) + "/" + escapeSegment(key)
}

// resourceOfPath returns the signedResource of the group and the key that
// end a request path made with requestPath, whose escaping may differ from
// the canonical one.
func resourceOfPath(path string) string {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return path // no peer accepts it; requestPath never makes it
	}
	group, err1 := url.PathUnescape(path[strings.LastIndexByte(path[:i], '/')+1 : i])
	key, err2 := url.PathUnescape(path[i+1:])
	if err1 != nil || err2 != nil {
		return path
	}
	return signedResource(group, key)
}

func signature(secret []byte, method, resource, ts string, bodySum []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(authPrefix))
	mac.Write([]byte(method))
	mac.Write([]byte{'\n'})
	mac.Write([]byte(resource))
	mac.Write([]byte{'\n'})
	mac.Write([]byte(ts))
	mac.Write([]byte{'\n'})
	var sumHex [2 * sha256.Size]byte
	hex.Encode(sumHex[:], bodySum)
	mac.Write(sumHex[:])
	return mac.Sum(nil)
}

// signed reports whether r carries a signature, good or not.
func signed(r *http.Request) bool {
	return r.Header.Get(headerTimestamp) != "" && r.Header.Get(headerSignature) != ""
}

// authenticate checks r's signature, for the group and key its path
// names, at time now. It returns http.StatusOK if the pool has no Secret
// or the signature is good, http.StatusUnauthorized if r carries none, and
// http.StatusForbidden if it is wrong, malformed or outside
// MaxSignatureSkew. For a good PUT or POST it also returns the SHA-256 its body
// must have; the body is not read.
func (p *HTTPPool) authenticate(r *http.Request, group, key string, now time.Time) (bodySum []byte, status int) {
	secret := p.opts.Secret
	if len(secret) == 0 {
		return nil, http.StatusOK
	}
	ts, sigHex := r.Header.Get(headerTimestamp), r.Header.Get(headerSignature)
	if ts == "" || sigHex == "" {
		return nil, http.StatusUnauthorized
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != sha256.Size {
		return nil, http.StatusForbidden
	}
	sent, err := strconv.ParseInt(ts, 10, 64)
	skew := int64(MaxSignatureSkew / time.Second)
	if t := now.Unix(); err != nil || sent < t-skew || sent > t+skew {
		return nil, http.StatusForbidden
	}
	sum := emptyBodySum[:]
	if hasSignedBody(r.Method) {
		sum, err = hex.DecodeString(r.Header.Get(headerBodySHA256))
		if err != nil || len(sum) != sha256.Size {
			return nil, http.StatusForbidden
		}
	}
	if !hmac.Equal(sig, signature(secret, r.Method, signedResource(group, key), ts, sum)) {
		return nil, http.StatusForbidden
	}
	if !hasSignedBody(r.Method) {
		sum = nil
	}
	return sum, http.StatusOK
}

// bodyMatches reports whether body has the SHA-256 sum.
func bodyMatches(body, sum []byte) bool {
	got := sha256.Sum256(body)
	return hmac.Equal(got[:], sum)
}

// authorizedGroup checks the signature of a request for key of the group
// called name and returns that group and the checksum the body must
// have. When the request fails either check it answers it, with 401,
// 403 or 404, and returns false. The signature covers the group and the
// key, not the path, which depends on where the handler is mounted.
func (p *HTTPPool) authorizedGroup(w http.ResponseWriter, r *http.Request, name, key string) (group *Group, bodySum []byte, ok bool) {
	bodySum, status := p.authenticate(r, name, key, time.Now())
	if status != http.StatusOK {
		http.Error(w, http.StatusText(status), status)
		return nil, nil, false
	}
	group = p.registry.GetGroup(name)
	if group == nil {
		http.Error(w, http.StatusText(http.StatusNotFound), http.StatusNotFound)
		return nil, nil, false
	}
	return group, bodySum, true
}

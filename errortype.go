package groupcache

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
)

// ErrorType returns a short name for the kind of err, for a metric
// attribute, a span status or a log field: "" for nil, "not_found",
// "timeout", "canceled", the status code of a *PeerStatusError (such as
// "500"), "connection_refused", "connection_reset", "bad_response",
// "response_too_large", "writes_unsupported", "writes_refused",
// "value_too_large", "getter_panicked", "no_value", or "_OTHER" for any
// other error. The names are few and fixed, never a key or a message, so
// that a metric keeps a bounded number of series; "_OTHER" is
// OpenTelemetry's name for an error it cannot classify.
func ErrorType(err error) string {
	if err == nil {
		return ""
	}
	var status *PeerStatusError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.As(err, &status):
		return strconv.Itoa(status.StatusCode)
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection_refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection_reset"
	case errors.Is(err, ErrBadResponse), errors.Is(err, errMalformedResponse),
		errors.Is(err, errExpiredResponse):
		return "bad_response"
	case errors.Is(err, ErrResponseTooLarge):
		return "response_too_large"
	case errors.Is(err, ErrWritesUnsupported):
		return "writes_unsupported"
	case errors.Is(err, ErrWritesRefused):
		return "writes_refused"
	case errors.Is(err, ErrValueTooLarge):
		return "value_too_large"
	case errors.Is(err, ErrGetterPanicked):
		return "getter_panicked"
	case errors.Is(err, ErrNoValue):
		return "no_value"
	}
	return "_OTHER"
}

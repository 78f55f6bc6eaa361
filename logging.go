package groupcache

import (
	"sync"
	"time"
)

// DefaultLogInterval is how often an HTTPPool logs a line about one
// subject at most, such as failures of one peer or requests refused from
// one address, when HTTPPoolOptions.LogInterval is zero. The next line
// about the subject says how many were left out in between.
const DefaultLogInterval = 10 * time.Second

// maxLogSubjects bounds the subjects a logLimiter remembers, so that
// requests from ever new addresses cannot grow it without end.
const maxLogSubjects = 256

// A logLimiter decides which log lines to write: at most one per subject
// per interval, so that a dead peer or a misconfigured client cannot
// flood the log. The zero value is ready to use.
type logLimiter struct {
	now func() time.Time // if nil, time.Now; tests set it

	mu       sync.Mutex
	subjects map[string]*logSubject // guarded by mu
}

// A logSubject is what a logLimiter remembers of one subject.
type logSubject struct {
	logged     time.Time // when the last line was allowed
	suppressed int       // lines refused since
}

// allow reports whether a line about subject may be written now, at most
// one per every (DefaultLogInterval if zero) being allowed, and if so how
// many lines about it were refused since the last one allowed.
func (l *logLimiter) allow(subject string, every time.Duration) (ok bool, suppressed int) {
	now := time.Now
	if l.now != nil {
		now = l.now
	}
	if every <= 0 {
		every = DefaultLogInterval
	}
	t := now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.subjects == nil {
		l.subjects = make(map[string]*logSubject)
	}
	s := l.subjects[subject]
	if s == nil {
		if len(l.subjects) >= maxLogSubjects {
			l.forgetBefore(t.Add(-every))
		}
		if len(l.subjects) >= maxLogSubjects {
			// Too many subjects at once: they share one limit.
			subject = ""
			s = l.subjects[subject]
		}
		if s == nil {
			s = &logSubject{}
			l.subjects[subject] = s
			s.logged = t
			return true, 0
		}
	}
	if t.Sub(s.logged) < every {
		s.suppressed++
		return false, 0
	}
	suppressed = s.suppressed
	s.logged, s.suppressed = t, 0
	return true, suppressed
}

// forgetBefore drops the subjects last logged before t, whose next line
// would be allowed anyway. l.mu must be held.
func (l *logLimiter) forgetBefore(t time.Time) {
	for k, s := range l.subjects {
		if s.logged.Before(t) {
			delete(l.subjects, k)
		}
	}
}

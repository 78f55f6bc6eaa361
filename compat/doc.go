// Package compat holds the tests that check this module's engine against
// github.com/golang/groupcache, which it replaces:
//
//   - every exported identifier of upstream's packages exists in ours with
//     the same signature, except for a short, reasoned allow-list;
//   - code written against upstream compiles against ours once its import
//     paths are changed;
//   - peers running either implementation share one consistent-hash ring
//     and serve each other's requests, with every key loaded once, by its
//     owner, and arriving at the Getter exactly as it was sent;
//   - our peers never forward a request they received from a peer, so rings
//     that disagree cannot make requests loop;
//   - our ring is a function of the set of peers, not of their order.
//
// Upstream keeps its peer pool in package globals and allows one per
// process, so the tests run every upstream peer as a child process: the
// test binary re-executed with an environment variable set.
//
// The package has no API of its own; it exists for its tests.
package compat

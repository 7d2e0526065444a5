// Package bufpool keeps byte buffers for reuse: a sync.Pool that hands out
// buffers with room for what the caller asks, and does not keep the rare
// buffer that grew past the pool's bound.
package bufpool

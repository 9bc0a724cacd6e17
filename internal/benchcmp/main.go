// Command benchcmp measures what the vb365 SDK adds on top of a bare HTTP
// round trip. It runs each workload three ways in one process, interleaved
// round by round: the SDK, the SDK with retries off, and the floor (net/http
// and encoding/json with a bearer header set by hand), against the same
// loopback server, and prints one table of medians with the median of the
// per-round SDK/floor ratios, and the throughput of the workloads that move
// many mailboxes or bytes. It also reports the heap in use while iterating
// and while exporting a PST, and connections and logins under concurrent
// calls.
//
//	go run ./internal/benchcmp -rounds 5 -benchtime 1s
//	go run ./internal/benchcmp -run 'OperatorRestore|MailboxWalk'
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/vb365-go/vb365"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds of all workloads and variants, interleaved")
	benchtime := flag.String("benchtime", "1s", "time per measurement (as go test -benchtime)")
	only := flag.String("run", "", "run only the workloads whose names match this regular expression (and skip the heap and connection lines)")
	testing.Init()
	flag.Parse()
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var re *regexp.Regexp
	if *only != "" {
		var err error
		if re, err = regexp.Compile(*only); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := report(os.Stdout, fullSizes, *rounds, re); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// result is one measurement.
type result struct {
	ns, bytes, allocs float64
}

// report runs the workloads of sz that only matches (nil: all) and prints
// the table; with all of them, the heap and connection lines follow.
func report(w io.Writer, sz sizes, rounds int, only *regexp.Regexp) error {
	srv := newServer(sz)
	defer srv.Close()
	clients := map[string]*client{}
	for _, v := range variants {
		clients[v] = newClient(v, srv)
		defer clients[v].close()
	}

	fmt.Fprintf(w, "GOMAXPROCS=%d, %s, %d rounds, variants interleaved\n\n", runtime.GOMAXPROCS(0), runtime.Version(), rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tvariant\tns/op (median)\tB/op\tallocs/op\ttime vs floor (median of rounds)\tallocs vs floor\t")
	var throughput []string
	for _, wl := range workloads(sz) {
		if only != nil && !only.MatchString(wl.name) {
			continue
		}
		res := map[string][]result{}
		var failed error
		for range rounds {
			for _, v := range variants {
				r := testing.Benchmark(func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := wl.once(clients[v]); err != nil {
							failed = fmt.Errorf("%s/%s: %w", wl.name, v, err)
							b.SkipNow()
						}
					}
				})
				if failed != nil {
					return failed
				}
				res[v] = append(res[v], result{
					ns:     float64(r.NsPerOp()),
					bytes:  float64(r.AllocedBytesPerOp()),
					allocs: float64(r.AllocsPerOp()),
				})
			}
		}
		floor := res[variantFloor]
		fa := median(floor, func(r result) float64 { return r.allocs })
		var line []string
		for _, v := range variants {
			var ratios, speeds []float64
			for i, r := range res[v] {
				ratios = append(ratios, r.ns/floor[i].ns)
				speeds = append(speeds, floor[i].ns/r.ns)
			}
			ns, bytes, allocs := median(res[v], func(r result) float64 { return r.ns }),
				median(res[v], func(r result) float64 { return r.bytes }),
				median(res[v], func(r result) float64 { return r.allocs })
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%.0f\t%.3f\t%+.0f\t\n", wl.name, v, ns, bytes, allocs,
				median(ratios, same), allocs-fa)
			if wl.unit != "" {
				s := fmt.Sprintf("%s %.0f %s/s", v, wl.units/ns*1e9, wl.unit)
				if v != variantFloor {
					s += fmt.Sprintf(" (%.3f x the floor's)", median(speeds, same))
				}
				line = append(line, s)
			}
		}
		if wl.unit != "" {
			throughput = append(throughput, fmt.Sprintf("throughput: %s: %s", wl.name, strings.Join(line, ", ")))
		}
	}
	tw.Flush()
	if len(throughput) > 0 {
		fmt.Fprintln(w)
		for _, l := range throughput {
			fmt.Fprintln(w, l)
		}
	}

	if only == nil {
		fmt.Fprintln(w)
		if err := heap(w, srv); err != nil {
			return err
		}
		if err := exportHeap(w, srv, clients); err != nil {
			return err
		}
		fmt.Fprintln(w)
		return concurrent(w, srv)
	}
	return nil
}

func same(f float64) float64 { return f }

func median[T any](xs []T, f func(T) float64) float64 {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// heap reports the peak heap in use while the SDK iterates over 10,000 and
// 100,000 items (or what the server has), against the heap that one
// decoded page holds.
func heap(w io.Writer, srv *server) error {
	c := newClient(variantSDK, srv)
	defer c.close()
	onePage, err := pageHeap(c)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "heap: one decoded page of %d items holds %.0f KiB\n", pageSize, float64(onePage)/1024)
	for _, total := range []int{srv.sz.items / 10, srv.sz.items} {
		peak, err := iterationHeap(c, total)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "heap: iterating %6d items, most live heap above the start: %.0f KiB (%.2f pages)\n",
			total, float64(peak)/1024, float64(peak)/float64(onePage))
	}
	return nil
}

// pageHeap is the heap held by one decoded page.
func pageHeap(c *client) (uint64, error) {
	runtime.GC()
	before := liveHeap()
	var err error
	var page []vb365.Item
	n := 0
	for it, e := range c.sdk.Mailboxes.Items(context.Background(), "s1", "m1", &vb365.ItemListOptions{ListOptions: vb365.ListOptions{Limit: pageSize}}) {
		if err = e; err != nil || n == pageSize {
			break
		}
		page = append(page, it)
		n++
	}
	runtime.GC()
	held := liveHeap() - min(before, liveHeap())
	runtime.KeepAlive(page)
	return held, err
}

// iterationHeap is the most heap that iterating over total items keeps
// alive, above where it started: every 5,000 items a collection runs and the
// live heap is read, so what is measured is what the iterator holds, not
// garbage waiting for the collector.
func iterationHeap(c *client, total int) (uint64, error) {
	runtime.GC()
	base := liveHeap()
	var peak uint64
	n := 0
	for _, err := range c.sdk.Mailboxes.Items(context.Background(), "s1", "m1", &vb365.ItemListOptions{ListOptions: vb365.ListOptions{Limit: pageSize}}) {
		if err != nil {
			return 0, err
		}
		if n%5000 == 2500 {
			runtime.GC()
			peak = max(peak, liveHeap())
		}
		if n++; n == total {
			break
		}
	}
	return peak - min(base, peak), nil
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapWriter discards what it is given and reads the heap in use every
// step bytes, without forcing a collection: the peak counts garbage too.
type heapWriter struct {
	n, next, step int64
	peak          uint64
}

func (h *heapWriter) Write(p []byte) (int, error) {
	if h.n += int64(len(p)); h.n >= h.next {
		h.next += h.step
		h.peak = max(h.peak, liveHeap())
	}
	return len(p), nil
}

// exportHeap reports the most heap in use while the PST is exported, by
// each variant (the SDK with a Progress function too): heap allocated
// and not yet collected, above the live heap at the start.
func exportHeap(w io.Writer, srv *server, clients map[string]*client) error {
	var parts []string
	for _, v := range []string{variantFloor, variantSDK, variantSDK + "+progress"} {
		c := clients[strings.TrimSuffix(v, "+progress")]
		runtime.GC()
		base := liveHeap()
		hw := &heapWriter{step: max(srv.sz.pst/32, 1)}
		n, _, err := c.export(hw, strings.HasSuffix(v, "+progress"))
		if err != nil {
			return fmt.Errorf("export heap: %s: %w", v, err)
		}
		if n != srv.sz.pst {
			return fmt.Errorf("export heap: %s: %d bytes, not %d", v, n, srv.sz.pst)
		}
		parts = append(parts, fmt.Sprintf("%s %.1f MiB", v, float64(hw.peak-min(base, hw.peak))/(1<<20)))
	}
	fmt.Fprintf(w, "heap: exporting a PST of %s, most heap in use above the start (garbage included, read 32 times): %s\n",
		bytesName(srv.sz.pst), strings.Join(parts, ", "))
	return nil
}

// concurrent has 64 goroutines walk 1,000 mailboxes (as the walk
// workload) through one new client, with the SDK's own transport, and
// reports connections opened, token requests and errors.
func concurrent(w io.Writer, srv *server) error {
	conns, tokens, requests := srv.conns.Load(), srv.tokens.Load(), srv.requests.Load()
	sdk, err := vb365.NewClient(srv.url(), vb365.WithOperator("bench.tenant", "assertion"))
	if err != nil {
		return err
	}
	defer sdk.CloseIdleConnections()
	sz := srv.sz
	c := &client{variant: variantSDK, sdk: sdk}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for g := range sz.walkGoroutines {
		wg.Go(func() {
			for i := g; i < sz.walkMailboxes; i += sz.walkGoroutines {
				if err := c.walkMailbox(sz, walkMailboxIDs[i]); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(w, "concurrency: %d goroutines walking the folders and the first item page of %d mailboxes, each its own, through one new client: "+
		"%d requests over %d connections opened (per-host limit 32), %d token requests, %d errors\n",
		sz.walkGoroutines, sz.walkMailboxes, srv.requests.Load()-requests, srv.conns.Load()-conns, srv.tokens.Load()-tokens, len(errs))
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

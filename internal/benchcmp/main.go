// Command benchcmp measures what the vb365 SDK adds on top of a bare HTTP
// round trip. It runs each workload three ways in one process, interleaved
// round by round: the SDK, the SDK with retries off, and the floor (net/http
// and encoding/json with a bearer header set by hand), against the same
// loopback server, and prints one table of medians with the median of the
// per-round SDK/floor ratios. It also reports the heap in use while
// iterating, and connections and logins under concurrent calls.
//
//	go run ./internal/benchcmp -rounds 7 -benchtime 1s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/vb365-go/vb365"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds of all workloads and variants, interleaved")
	benchtime := flag.String("benchtime", "1s", "time per measurement (as go test -benchtime)")
	only := flag.String("run", "", "run only the workload of this name")
	testing.Init()
	flag.Parse()
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	report(os.Stdout, *rounds, *only)
}

// result is one measurement.
type result struct {
	ns, bytes, allocs float64
}

func report(w io.Writer, rounds int, only string) {
	srv := newServer(10000, 100000)
	defer srv.Close()
	clients := map[string]*client{}
	for _, v := range variants {
		clients[v] = newClient(v, srv)
		defer clients[v].close()
	}

	fmt.Fprintf(w, "GOMAXPROCS=%d, %s, %d rounds, variants interleaved\n\n", runtime.GOMAXPROCS(0), runtime.Version(), rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tvariant\tns/op (median)\tB/op\tallocs/op\ttime vs floor (median of rounds)\tallocs vs floor\t")
	for _, wl := range workloads() {
		if only != "" && wl.name != only {
			continue
		}
		res := map[string][]result{}
		for range rounds {
			for _, v := range variants {
				r := testing.Benchmark(func(b *testing.B) {
					b.ReportAllocs()
					wl.run(b, clients[v])
				})
				res[v] = append(res[v], result{
					ns:     float64(r.NsPerOp()),
					bytes:  float64(r.AllocedBytesPerOp()),
					allocs: float64(r.AllocsPerOp()),
				})
			}
		}
		floor := res[variantFloor]
		for _, v := range variants {
			var ratios []float64
			for i, r := range res[v] {
				ratios = append(ratios, r.ns/floor[i].ns)
			}
			ns, bytes, allocs := median(res[v], func(r result) float64 { return r.ns }),
				median(res[v], func(r result) float64 { return r.bytes }),
				median(res[v], func(r result) float64 { return r.allocs })
			fa := median(floor, func(r result) float64 { return r.allocs })
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%.0f\t%.3f\t%+.0f\t\n", wl.name, v, ns, bytes, allocs,
				median(ratios, func(f float64) float64 { return f }), allocs-fa)
		}
	}
	tw.Flush()

	if only == "" {
		fmt.Fprintln(w)
		heap(w, srv)
		fmt.Fprintln(w)
		concurrent(w, srv)
	}
}

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
// 100,000 items, against the heap that one decoded page holds.
func heap(w io.Writer, srv *server) {
	c := newClient(variantSDK, srv)
	defer c.close()
	onePage := pageHeap(c)
	fmt.Fprintf(w, "heap: one decoded page of %d items holds %.0f KiB\n", pageSize, float64(onePage)/1024)
	for _, total := range []int{10000, 100000} {
		peak := iterationHeap(c, total)
		fmt.Fprintf(w, "heap: iterating %6d items, most live heap above the start: %.0f KiB (%.2f pages)\n",
			total, float64(peak)/1024, float64(peak)/float64(onePage))
	}
}

// pageHeap is the heap held by one decoded page.
func pageHeap(c *client) uint64 {
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
	if err != nil {
		panic(err)
	}
	return held
}

// iterationHeap is the most heap that iterating over total items keeps
// alive, above where it started: every 5,000 items a collection runs and the
// live heap is read, so what is measured is what the iterator holds, not
// garbage waiting for the collector.
func iterationHeap(c *client, total int) uint64 {
	runtime.GC()
	base := liveHeap()
	var peak uint64
	n := 0
	for _, err := range c.sdk.Mailboxes.Items(context.Background(), "s1", "m1", &vb365.ItemListOptions{ListOptions: vb365.ListOptions{Limit: pageSize}}) {
		if err != nil {
			panic(err)
		}
		if n%5000 == 2500 {
			runtime.GC()
			peak = max(peak, liveHeap())
		}
		if n++; n == total {
			break
		}
	}
	return peak - min(base, peak)
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// concurrent makes 1,000 calls from 64 goroutines through one new client
// and reports connections opened and token requests.
func concurrent(w io.Writer, srv *server) {
	conns, tokens := srv.conns.Load(), srv.tokens.Load()
	sdk, err := vb365.NewClient(srv.url(), vb365.WithOperator("bench.tenant", "assertion"))
	if err != nil {
		panic(err)
	}
	defer sdk.CloseIdleConnections()
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := 0
	for g := range 64 {
		wg.Go(func() {
			for i := g; i < 1000; i += 64 {
				if _, err := sdk.Mailboxes.Get(context.Background(), "s1", "m1"); err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(w, "concurrency: 1000 calls from 64 goroutines through one client: %d connections opened (per-host limit 32), %d token requests, %d errors\n",
		srv.conns.Load()-conns, srv.tokens.Load()-tokens, errs)
}

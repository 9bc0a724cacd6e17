package main

import (
	"flag"
	"strings"
	"testing"
)

// The workloads as go test benchmarks, one sub-benchmark per variant:
//
//	go test -bench . -benchmem ./internal/benchcmp
//
// For the interleaved comparison with ratios, use go run ./internal/benchcmp.
func BenchmarkWorkloads(b *testing.B) {
	srv := newServer(fullSizes)
	defer srv.Close()
	for _, wl := range workloads(fullSizes) {
		for _, v := range variants {
			c := newClient(v, srv)
			b.Run(wl.name+"/"+v, func(b *testing.B) {
				b.ReportAllocs()
				wl.run(b, c)
			})
			c.close()
		}
	}
}

// TestVariantsDoTheSameWork checks that every variant sees the same results
// and sends the same requests, so that the benchmarks compare like with
// like.
func TestVariantsDoTheSameWork(t *testing.T) {
	srv := newServer(smokeSizes)
	defer srv.Close()
	requests := map[string][]int64{}
	for _, v := range variants {
		c := newClient(v, srv)
		n, err := c.walk(mailboxesPath, nil)
		if err != nil || n != smokeSizes.mailboxes {
			t.Fatalf("%s: mailboxes: %d, %v", v, n, err)
		}
		n, err = c.walk(itemsPath, nil)
		if err != nil || n != smokeSizes.items {
			t.Fatalf("%s: items: %d, %v", v, n, err)
		}
		for _, wl := range workloads(smokeSizes) {
			before := srv.requests.Load()
			if err := wl.once(c); err != nil {
				t.Fatalf("%s/%s: %v", wl.name, v, err)
			}
			requests[wl.name] = append(requests[wl.name], srv.requests.Load()-before)
		}
		c.close()
	}
	for name, r := range requests {
		for i := range r {
			if r[i] != r[0] {
				t.Errorf("%s: requests by variant %v: %v", name, variants, r)
				break
			}
		}
	}
}

// TestReportPrintsEveryRow runs the whole report once, on small sizes,
// with one iteration per measurement.
func TestReportPrintsEveryRow(t *testing.T) {
	old := flag.Lookup("test.benchtime").Value.String()
	if err := flag.Set("test.benchtime", "1x"); err != nil {
		t.Fatal(err)
	}
	defer flag.Set("test.benchtime", old) //nolint:errcheck // it was set before
	var out strings.Builder
	if err := report(&out, smokeSizes, 1, nil); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, wl := range workloads(smokeSizes) {
		for _, v := range variants {
			if !strings.Contains(text, wl.name+"  ") || !strings.Contains(text, v) {
				t.Errorf("no row %s/%s in\n%s", wl.name, v, text)
			}
		}
	}
	for _, want := range []string{"throughput: MailboxWalk", "throughput: ExportToPST", "heap: iterating", "heap: exporting a PST", "concurrency:", " 1 token requests, 0 errors"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	t.Log("\n" + text)
}

package main

import "testing"

// The workloads as go test benchmarks, one sub-benchmark per variant:
//
//	go test -bench . -benchmem ./internal/benchcmp
//
// For the interleaved comparison with ratios, use go run ./internal/benchcmp.
func BenchmarkWorkloads(b *testing.B) {
	srv := newServer(10000, 100000)
	defer srv.Close()
	for _, wl := range workloads() {
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

// TestVariantsDoTheSameWork checks that every variant sees the same results,
// so that the benchmarks compare like with like.
func TestVariantsDoTheSameWork(t *testing.T) {
	srv := newServer(2500, 2500)
	defer srv.Close()
	for _, v := range variants {
		c := newClient(v, srv)
		n, err := c.walk("/RestoreSessions/s1/organization/mailboxes", 2500, nil)
		if err != nil || n != 2500 {
			t.Fatalf("%s: mailboxes: %d, %v", v, n, err)
		}
		n, err = c.walk("/RestoreSessions/s1/organization/mailboxes/m1/items", 20000, nil)
		if err == nil && n != 2500 {
			t.Fatalf("%s: items: %d", v, n)
		}
		for _, wl := range workloads()[:2] {
			if err := wl.once(c); err != nil {
				t.Fatalf("%s/%s: %v", wl.name, v, err)
			}
		}
		c.close()
	}
}

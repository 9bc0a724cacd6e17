package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// progressBar draws one self-overwriting status line on stderr while a long
// download or listing runs. It is drawn only when stderr is a terminal: a
// nil *progressBar draws nothing, so callers need not check.
type progressBar struct {
	w     io.Writer
	label string
	now   func() time.Time
	last  time.Time // when the line was last drawn
	shown int       // width of the line on screen; 0 when none is
}

// redrawEvery limits how often the line is redrawn.
const redrawEvery = 100 * time.Millisecond

// newBar returns a progress bar on stderr, or nil when stderr is not a
// terminal (a file, a pipe, a script's log).
func (a *app) newBar(label string) *progressBar {
	if !a.isTerminal(a.stderr) {
		return nil
	}
	return &progressBar{w: a.stderr, label: label, now: a.now}
}

// draw shows text after the label, at most every redrawEvery unless force.
func (p *progressBar) draw(text string, force bool) {
	if p == nil {
		return
	}
	now := p.now()
	if !force && p.shown > 0 && now.Sub(p.last) < redrawEvery {
		return
	}
	p.last = now
	line := p.label + "  " + text
	width := utf8.RuneCountInString(line)
	pad := ""
	if width < p.shown {
		pad = strings.Repeat(" ", p.shown-width)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.shown = width
}

// clear removes the line, so that what comes next starts on a clean line.
func (p *progressBar) clear() {
	if p == nil || p.shown == 0 {
		return
	}
	fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.shown))
	p.shown = 0
}

// bytes draws a download's progress; total is -1 while unknown.
func (p *progressBar) bytes(written, total int64) {
	if p == nil {
		return
	}
	if total <= 0 {
		p.draw(humanBytes(written), false)
		return
	}
	const width = 24
	frac := float64(written) / float64(total)
	frac = min(max(frac, 0), 1)
	n := int(frac * width)
	p.draw(fmt.Sprintf("[%s%s] %3d%%  %s / %s", strings.Repeat("#", n), strings.Repeat("-", width-n),
		int(frac*100), humanBytes(written), humanBytes(total)), written >= total)
}

// count draws a listing's progress.
func (p *progressBar) count(items, pages int) {
	if p == nil {
		return
	}
	p.draw(fmt.Sprintf("%d items, %d pages", items, pages), false)
}

// humanBytes formats n bytes with a binary unit.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// barWriter clears the progress line before anything is written to stdout,
// so that results and the line do not mix when both go to one terminal.
type barWriter struct {
	w   io.Writer
	bar *progressBar
}

func (b barWriter) Write(p []byte) (int, error) {
	b.bar.clear()
	return b.w.Write(p)
}

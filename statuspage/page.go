package statuspage

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed page.html
var pageSource string

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"chartOf": func(name string, c chart) namedChart { return namedChart{name, c} },
}).Parse(pageSource))

// A namedChart is a chart with its caption, for the template.
type namedChart struct {
	Name  string
	Chart chart
}

func writeJSON(w http.ResponseWriter, st *status) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(st) // an error here is the client's connection failing
}

func writeHTML(w http.ResponseWriter, st *status) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, newPageView(st)); err != nil {
		http.Error(w, "rendering the status page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// pageView is what the HTML template shows: the figures of a status,
// formatted for people, and their charts.
type pageView struct {
	*status
	Refresh  int    // seconds between reloads
	Window   string // what "recent" figures and the charts cover
	Interval string // between two points of a chart
	Updated  string
	Groups   []groupView
	Peers    []peerView
}

type groupView struct {
	groupStatus
	HitRatioText, MainHitRatioText, HotHitRatioText string
	BytesText, CacheBytesText, UsedText             string
	GetsChart, HitRatioChart, BytesChart            chart
}

type peerView struct {
	peerStatus
	ShareText, LatencyText, LastErrorText string
	LatencyChart                          chart
}

func newPageView(st *status) *pageView {
	v := &pageView{
		status:   st,
		Refresh:  st.refresh,
		Window:   duration(st.window),
		Interval: duration(st.interval),
		Updated:  st.Time.Format("2006-01-02 15:04:05 MST"),
	}
	for _, g := range st.Groups {
		gv := groupView{
			groupStatus:      g,
			HitRatioText:     percent(g.HitRatio, g.Gets),
			MainHitRatioText: percent(g.Main.HitRatio, g.Main.Gets),
			HotHitRatioText:  percent(g.Hot.HitRatio, g.Hot.Gets),
			BytesText:        formatBytes(g.Bytes),
			CacheBytesText:   formatBytes(g.CacheBytes),
			UsedText:         percent(ratio(g.Bytes, g.CacheBytes), g.CacheBytes),
		}
		gets := make([]float64, len(g.History))
		hits := make([]float64, len(g.History))
		mem := make([]float64, len(g.History))
		for i, p := range g.History {
			gets[i] = p.GetsPerSecond
			hits[i] = math.NaN()
			if p.HitRatio != nil {
				hits[i] = *p.HitRatio * 100
			}
			mem[i] = float64(p.Bytes)
		}
		gv.GetsChart = newChart(gets, 0, func(f float64) string { return number(f) + "/s" })
		gv.HitRatioChart = newChart(hits, 100, func(f float64) string { return number(f) + "%" })
		gv.BytesChart = newChart(mem, float64(g.CacheBytes), func(f float64) string { return formatBytes(int64(f)) })
		v.Groups = append(v.Groups, gv)
	}
	for _, p := range st.Peers {
		pv := peerView{
			peerStatus:    p,
			ShareText:     strconv.FormatFloat(p.Share*100, 'f', 1, 64) + "%",
			LatencyText:   "–",
			LastErrorText: "–",
		}
		if p.RecentLatencySeconds != nil {
			pv.LatencyText = seconds(*p.RecentLatencySeconds)
		}
		if p.LastErrorAt != nil {
			pv.LastErrorText = p.LastError + " at " + p.LastErrorAt.Format("15:04:05")
		}
		lat := make([]float64, len(p.History))
		for i, pt := range p.History {
			lat[i] = math.NaN()
			if pt.LatencySeconds != nil {
				lat[i] = *pt.LatencySeconds
			}
		}
		pv.LatencyChart = newChart(lat, 0, seconds)
		v.Peers = append(v.Peers, pv)
	}
	return v
}

// A chart is a small line chart of a series, drawn as an SVG polyline.
type chart struct {
	Width, Height int
	Points        string // the polyline's, in SVG coordinates
	Top           string // the value at the top of the chart
	Last          string // the newest value, or "" if it is missing
	Empty         bool   // fewer than two points: nothing to draw
}

const chartWidth, chartHeight = 240, 48

// newChart scales values (NaN for a missing point) to a chart whose top
// is at least top, labelled with format.
func newChart(values []float64, top float64, format func(float64) string) chart {
	c := chart{Width: chartWidth, Height: chartHeight}
	for _, v := range values {
		if !math.IsNaN(v) && v > top {
			top = v
		}
	}
	c.Top = format(top)
	if top <= 0 {
		top = 1
	}
	if n := len(values); n > 0 && !math.IsNaN(values[n-1]) {
		c.Last = format(values[n-1])
	}
	if len(values) < 2 {
		c.Empty = true
		return c
	}
	var pts strings.Builder
	step := float64(chartWidth) / float64(len(values)-1)
	const pad = 2 // keeps the line's stroke inside the box
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		y := pad + (chartHeight-2*pad)*(1-v/top)
		fmt.Fprintf(&pts, "%.1f,%.1f ", float64(i)*step, y)
	}
	c.Points = strings.TrimSpace(pts.String())
	return c
}

// percent formats r as a percentage, or "–" when its denominator n is 0.
func percent(r float64, n int64) string {
	if n <= 0 {
		return "–"
	}
	return strconv.FormatFloat(r*100, 'f', 1, 64) + "%"
}

// formatBytes formats n bytes with a binary prefix, as in "1.5 MiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	f, i := float64(n), 0
	for f >= unit && i < 5 {
		f /= unit
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + "KMGTP"[i-1:i] + "iB"
}

// number formats f with at most one decimal.
func number(f float64) string {
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// seconds formats a duration given in seconds, as in "1.2ms".
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// duration formats d for a sentence, as in "5 min" or "30 s".
func duration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return strconv.Itoa(int(d/time.Minute)) + " min"
	}
	if d >= time.Minute {
		return number(math.Round(d.Minutes()*10)/10) + " min"
	}
	return number(math.Round(d.Seconds())) + " s"
}

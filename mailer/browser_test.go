package mailer

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/interview"
)

// The HTML emails are rendered in a real browser (Debian's chromium,
// headless), as sent and as a client that drops the <style> block shows
// them, and a script measures the layout: paragraphs, the draft and letter
// panels and the call outline's sections must keep their spacing either
// way. scripts/install-test-deps.sh installs chromium; in CI (CI=true) a
// missing browser fails the test, elsewhere it is skipped with a message.
// FOLLOWUPD_SCREENSHOTS=DIR also writes a PNG of each rendering there.

// clientReset is what a webmail client's own style sheet does to a message
// whose <style> block it dropped: default margins and paddings gone, and
// white space collapsed. Only styles on the elements survive it.
const clientReset = `<style>p, h1, h2, h3, ul, ol, li, div, table, td, th, pre { margin: 0; padding: 0; white-space: normal; border: 0; }</style>`

// measure runs in the page and writes what it found into <body data-layout>.
const measure = `<script>
(function () {
  var bad = [], n = {paragraphs: 0, panels: 0, sections: 0};
  function box(e) { return e.getBoundingClientRect(); }
  function label(e) { return e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " “" + e.textContent.trim().slice(0, 40) + "”"; }
  function gapAfter(e) {
    var s = e.nextElementSibling;
    while (s && (s.offsetParent === null || box(s).height === 0)) s = s.nextElementSibling;
    return s ? box(s).top - box(e).bottom : null;
  }
  document.querySelectorAll("p").forEach(function (p) {
    if (p.classList.contains("label") || box(p).height === 0) return;
    var g = gapAfter(p);
    if (g === null) return;
    n.paragraphs++;
    if (g < 6) bad.push("no space after " + label(p) + ": " + g + "px");
  });
  document.querySelectorAll(".draft, .letter").forEach(function (d) {
    n.panels++;
    var cs = getComputedStyle(d), ps = d.querySelectorAll("p");
    if (parseFloat(cs.paddingLeft) < 12 || parseFloat(cs.paddingTop) < 12) bad.push("panel without padding: " + label(d));
    if (parseFloat(cs.borderTopWidth) < 1) bad.push("panel without a border: " + label(d));
    if (ps.length < 4) bad.push("panel with " + ps.length + " paragraphs, want at least 4: " + label(d));
    for (var i = 1; i < ps.length; i++) {
      if (box(ps[i]).top - box(ps[i-1]).bottom < 6) bad.push("panel paragraphs run together: " + label(ps[i]));
    }
    var t = box(d), b = box(d.parentElement);
    if (t.left - b.left < 0 || b.right - t.right < 0) bad.push("panel overflows its column: " + label(d));
  });
  document.querySelectorAll("h2").forEach(function (h) {
    n.sections++;
    var prev = h.previousElementSibling;
    while (prev && box(prev).height === 0) prev = prev.previousElementSibling;
    if (prev && box(h).top - box(prev).bottom < 16) bad.push("section heading without space above: " + label(h));
    if (parseFloat(getComputedStyle(h).borderBottomWidth) < 1) bad.push("section heading without its rule: " + label(h));
    var g = gapAfter(h);
    if (g !== null && g < 4) bad.push("section heading glued to its text: " + label(h));
  });
  // Text must stand out from what is behind it, in light and in dark mode
  // (WCAG's 3:1, the floor for the small print too).
  function rgb(c) { var m = c.match(/[\d.]+/g); return m ? m.map(Number) : null; }
  function lum(c) {
    var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function background(e) {
    for (; e; e = e.parentElement) {
      var c = rgb(getComputedStyle(e).backgroundColor);
      if (c && (c.length < 4 || c[3] > 0)) return c;
    }
    return [255, 255, 255];
  }
  document.querySelectorAll("p, li, h1, h2, td, th, a, code").forEach(function (e) {
    var own = Array.prototype.filter.call(e.childNodes, function (c) { return c.nodeType === 3; })
      .map(function (c) { return c.textContent; }).join("").trim();
    if (!own || box(e).height === 0) return;
    var a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
    var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 3) bad.push("text hard to read (contrast " + ratio.toFixed(2) + "): " + label(e));
  });
  n.dark = matchMedia("(prefers-color-scheme: dark)").matches;
  if (n.dark && lum(background(document.querySelector(".page-cell") || document.body)) > 0.2) bad.push("dark mode: the page stays light");
  var page = document.querySelector(".page-cell");
  if (page && box(page).width > 700) bad.push("page wider than 640px plus padding: " + box(page).width);
  document.body.setAttribute("data-layout", JSON.stringify({bad: bad, n: n}));
})();
</script>`

type layout struct {
	Bad []string
	N   struct {
		Paragraphs, Panels, Sections int
		Dark                         bool
	}
}

func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("FOLLOWUPD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; CI must run scripts/install-test-deps.sh, which installs it")
	}
	t.Skip("chromium is not installed (apt-get install chromium, or scripts/install-test-deps.sh): the HTML render check did not run")
	return ""
}

var styleBlock = regexp.MustCompile(`(?s)<style>.*?</style>`)

// withoutStyleBlock is the email as a client that drops <style> shows it.
func withoutStyleBlock(doc string) string {
	return strings.Replace(styleBlock.ReplaceAllString(doc, ""), "</head>", clientReset+"</head>", 1)
}

var layoutAttr = regexp.MustCompile(`data-layout="([^"]*)"`)

// render loads doc in headless chromium and returns what measure found.
func renderInBrowser(t *testing.T, bin, name, doc string, extra ...string) layout {
	t.Helper()
	dir := t.TempDir()
	page := filepath.Join(dir, name+".html")
	if err := os.WriteFile(page, []byte(strings.Replace(doc, "</body>", measure+"</body>", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile")}
	args = append(args, extra...)
	args = append(args, "--window-size=720,1200")
	// Generous: a slow, shared CI machine; it normally takes 1-2 seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append(args, "--dump-dom", "file://"+page)...).Output()
	if err != nil {
		t.Fatalf("%s: chromium: %v", name, err)
	}
	m := layoutAttr.FindSubmatch(out)
	if m == nil {
		t.Fatalf("%s: the measuring script left no result; DOM:\n%.2000s", name, out)
	}
	var l layout
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &l); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if shots := os.Getenv("FOLLOWUPD_SCREENSHOTS"); shots != "" {
		if err := os.WriteFile(page, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		png, err := filepath.Abs(filepath.Join(shots, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		shot := append(args[:len(args)-1:len(args)-1], "--window-size=720,2600", "--screenshot="+png, "file://"+page)
		if out, err := exec.CommandContext(ctx, bin, shot...).CombinedOutput(); err != nil {
			t.Errorf("%s: screenshot: %v\n%s", name, err, out)
		}
	}
	return l
}

func TestHTMLRendersInBrowser(t *testing.T) {
	bin := chromium(t)
	owner := testOwner(t)
	casual, err := ThankYou(ThankYouInput{Interview: acme(), Owner: owner, Formality: config.Casual, Notes: acmeNotes,
		DraftsFolder: "Drafts", Now: tyNow, Thread: testThread("b1")})
	if err != nil {
		t.Fatal(err)
	}
	formal, err := ThankYou(ThankYouInput{Interview: globexPanel(), Owner: owner, Formality: config.Formal, Notes: panelNotes,
		Now: tyNow, Thread: testThread("b2")})
	if err != nil {
		t.Fatal(err)
	}
	call, err := FollowUpCall(CallInput{Interview: acme(), Owner: owner, Notes: acmeNotes, Others: otherOpen(),
		Slot: slot, Now: callNow, Thread: testThread("b3")})
	if err != nil {
		t.Fatal(err)
	}
	help, err := Help(HelpInput{Owner: owner, Subject: "x", Line: "snooze for a bit", Now: tyNow, Thread: testThread("b4")})
	if err != nil {
		t.Fatal(err)
	}
	nudge, err := Nudge(NudgeInput{Interview: acme(), Owner: owner, Kind: interview.ThankYou, N: 1, Limit: 3, Now: tyNow, Thread: testThread("b5")})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := Acknowledgement(AckInput{Owner: owner, Subject: "x", Changed: "The thank-you note is marked sent.",
		Next: "The follow-up call outline comes on Friday, March 6 at 09:00.", Now: tyNow, Thread: testThread("b6")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name                      string
		html                      string
		paragraphs, panels, heads int // at least
		dark                      bool
	}{
		{"thankyou-casual", casual.HTML, 8, 1, 2, true},
		{"thankyou-formal-panel", formal.HTML, 8, 2, 3, true},
		{"call", call.HTML, 12, 0, 4, true},
		{"help", help.HTML, 2, 0, 0, true},
		{"nudge", nudge.HTML, 2, 0, 0, false},
		{"ack", ack.HTML, 1, 0, 0, false},
	} {
		for _, v := range []struct {
			suffix, doc string
			extra       []string
		}{
			{"", c.html, nil},
			{"-no-style-block", withoutStyleBlock(c.html), nil},
			{"-dark", c.html, []string{"--force-dark-mode"}},
		} {
			if v.extra != nil && !c.dark {
				continue // the same frame and rules as the others
			}
			name := c.name + v.suffix
			l := renderInBrowser(t, bin, name, v.doc, v.extra...)
			if l.N.Dark != (v.extra != nil) {
				t.Errorf("%s: rendered in dark mode = %v", name, l.N.Dark)
			}
			t.Logf("%s: %+v", name, l.N)
			for _, b := range l.Bad {
				t.Errorf("%s: %s", name, b)
			}
			if l.N.Paragraphs < c.paragraphs || l.N.Panels < c.panels || l.N.Sections < c.heads {
				t.Errorf("%s: measured %+v; want at least %d paragraphs, %d panels, %d sections",
					name, l.N, c.paragraphs, c.panels, c.heads)
			}
		}
	}

	// The check can fail: the same email without its inlined styles, in
	// such a client, runs together.
	var raw strings.Builder
	if err := htmlTemplates.ExecuteTemplate(&raw, "call.html.tmpl", callViewForTest(t)); err != nil {
		t.Fatal(err)
	}
	l := renderInBrowser(t, bin, "control-not-inlined", withoutStyleBlock(raw.String()))
	if len(l.Bad) == 0 {
		t.Error("the layout check found nothing wrong with an email whose styles were not inlined; it cannot fail")
	}
	t.Logf("control, not inlined, no style block: %d problems, such as %q", len(l.Bad), l.Bad[:min(3, len(l.Bad))])
}

// callViewForTest is the data of the call template, for rendering it
// without the inliner.
func callViewForTest(t *testing.T) callView {
	t.Helper()
	ps := people(acme())
	return callView{Title: "Follow-up call", Company: "Acme Corp", People: ps, Primary: ps[0], Points: items(acmeNotes),
		Footer: newFooter(callNow, newYork(t))}
}

package mailtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// SeedReport says what SeedMaildir did and how long each step took.
type SeedReport struct {
	Messages int
	// Bytes is the size of the messages as stored (LF line endings).
	Bytes int64
	// Write is the time spent writing the files; Index the time Dovecot then took to add
	// them to its index (the work a client's first SELECT would otherwise pay for).
	Write, Index time.Duration
}

// seedWorkers is how many goroutines write message files: the work is mostly system calls,
// so a few in parallel hide their latency without hogging a small machine.
const seedWorkers = 4

// SeedMaildir puts n messages straight into folder ("INBOX" or a folder name such as
// "Archive" or "Archive.2024": this server's hierarchy separator is ".") of the owner's
// account by writing maildir files, which is far faster than delivering them one by one:
// 100,000 small messages take seconds. It is meant for tests and benchmarks that need a
// large mailbox, and works only while the server keeps mail in maildirs (before UseMdbox).
//
// Message i (0 <= i < n) has the content message(i), a complete message with LF or CRLF
// line endings, and the INTERNALDATE date(i): Dovecot takes a maildir message's received
// date from its file's modification time. The messages are stored as seen (\Seen), as old
// mail mostly is. Dovecot numbers new maildir files in the order of the time their names
// begin with, which is date(i), ties broken by i: give later messages later dates and
// their UIDs follow i.
//
// Before it returns, Dovecot has indexed the folder (with doveadm), so that the next
// client's SELECT does not pay for it; SeedReport.Index says how long that took. The
// folder may already hold messages: the new ones get UIDs above theirs.
func (d *Dovecot) SeedMaildir(t testing.TB, folder string, n int, date func(i int) time.Time, message func(i int) []byte) SeedReport {
	t.Helper()
	rep := SeedReport{Messages: n}
	dir, err := d.maildirOf(folder)
	if err != nil {
		t.Fatalf("mailtest: seed %q: %v", folder, err)
	}
	began := time.Now()
	if err := d.makeMaildir(dir, !strings.EqualFold(folder, "INBOX")); err != nil {
		t.Fatalf("mailtest: seed %q: %v", folder, err)
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		total    int64
	)
	next := make(chan int, 256)
	for range seedWorkers {
		wg.Go(func() {
			var written int64
			for i := range next {
				size, err := d.writeMaildirFile(dir, i, date(i), message(i))
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					continue // drain the channel so the feeder never blocks
				}
				written += size
			}
			mu.Lock()
			total += written
			mu.Unlock()
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("mailtest: seed %q: %v", folder, firstErr)
	}
	rep.Bytes = total
	rep.Write = time.Since(began)

	began = time.Now()
	count, err := d.folderMessages(folder)
	if err != nil {
		t.Fatalf("mailtest: seed %q: index: %v", folder, err)
	}
	rep.Index = time.Since(began)
	if count < n {
		t.Fatalf("mailtest: seed %q: Dovecot sees %d messages after %d were written", folder, count, n)
	}
	t.Logf("mailtest: seeded %d messages (%d bytes) into %s in %v, indexed in %v",
		n, total, folder, rep.Write.Round(time.Millisecond), rep.Index.Round(time.Millisecond))
	return rep
}

// maildirOf is the directory of folder in the owner's Maildir++ layout
// (mail_location = maildir:~/Maildir): INBOX is the Maildir itself, another folder is the
// Maildir's subdirectory "." + its IMAP name, whose levels "." already separates.
func (d *Dovecot) maildirOf(folder string) (string, error) {
	root := filepath.Join(d.Dir, "mail", d.User, "Maildir")
	if strings.EqualFold(folder, "INBOX") {
		return root, nil
	}
	for _, r := range folder {
		// "&" starts modified UTF-7 and "/" is no folder character in Maildir++: keep
		// names plain.
		if r < 0x20 || r > 0x7e || r == '/' || r == '&' || r == '\\' || r == '*' || r == '%' {
			return "", fmt.Errorf("folder name %q: only plain ASCII without '/', '&', '\\', '*' or '%%' is supported", folder)
		}
	}
	if folder == "" || strings.HasPrefix(folder, ".") || strings.HasSuffix(folder, ".") || strings.Contains(folder, "..") {
		return "", fmt.Errorf("folder name %q is not a folder path", folder)
	}
	return filepath.Join(root, "."+folder), nil
}

// makeMaildir creates dir with its cur, new and tmp subdirectories, owned by the mail owner.
// A folder other than INBOX also gets the maildirfolder marker file.
func (d *Dovecot) makeMaildir(dir string, subfolder bool) error {
	root := filepath.Join(d.Dir, "mail", d.User, "Maildir")
	paths := []string{root, dir, filepath.Join(dir, "cur"), filepath.Join(dir, "new"), filepath.Join(dir, "tmp")}
	for _, p := range paths {
		if err := os.MkdirAll(p, 0o700); err != nil {
			return fmt.Errorf("create maildir: %w", err)
		}
		if err := d.chown(p); err != nil {
			return err
		}
	}
	if subfolder {
		marker := filepath.Join(dir, "maildirfolder")
		if err := os.WriteFile(marker, nil, 0o600); err != nil {
			return fmt.Errorf("create maildirfolder marker: %w", err)
		}
		if err := d.chown(marker); err != nil {
			return err
		}
	}
	return nil
}

// chown hands path to the mail owner when Dovecot runs as root (see mailOwner).
func (d *Dovecot) chown(path string) error {
	if !d.owner.Privileged {
		return nil
	}
	if err := os.Chown(path, d.owner.UID, d.owner.GID); err != nil {
		return fmt.Errorf("hand %s to %s: %w", path, d.owner.Name, err)
	}
	return nil
}

// writeMaildirFile stores message number i in dir/cur, written in tmp first and renamed, as
// maildir writers do, so that Dovecot never sees half a file. It returns the stored size.
func (d *Dovecot) writeMaildirFile(dir string, i int, date time.Time, msg []byte) (int64, error) {
	// Maildir messages are stored with LF line endings; W= is the size with CRLF, which
	// Dovecot reports as RFC822.SIZE without reading the file.
	body := bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n"))
	vsize := len(body) + bytes.Count(body, []byte("\n"))
	// Dovecot sorts new files by the seconds and microseconds their names begin with; the
	// zero-padded Q part keeps messages with the same date in the order of i.
	base := fmt.Sprintf("%d.M%dP%dQ%09d.mailtest,S=%d,W=%d", date.Unix(), date.Nanosecond()/1000,
		os.Getpid(), i, len(body), vsize)
	tmp := filepath.Join(dir, "tmp", base)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("create message %d: %w", i, err)
	}
	_, werr := f.Write(body)
	if werr == nil && d.owner.Privileged {
		werr = f.Chown(d.owner.UID, d.owner.GID)
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(tmp) // the error below says what failed
		return 0, fmt.Errorf("write message %d: %w", i, werr)
	}
	if err := os.Chtimes(tmp, date, date); err != nil {
		return 0, fmt.Errorf("date message %d: %w", i, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "cur", base+":2,S")); err != nil {
		return 0, fmt.Errorf("move message %d into cur: %w", i, err)
	}
	return int64(len(body)), nil
}

// folderMessages makes Dovecot sync folder's index with its maildir and returns how many
// messages the folder holds.
func (d *Dovecot) folderMessages(folder string) (int, error) {
	out, err := exec.Command(d.doveadm, "-c", d.confPath, "-f", "flow",
		"mailbox", "status", "-u", d.User, "messages", folder).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("doveadm mailbox status: %w: %s", err, out)
	}
	// Output: "messages=100000"
	_, value, ok := strings.Cut(strings.TrimSpace(string(out)), "messages=")
	if !ok {
		return 0, fmt.Errorf("doveadm mailbox status: unexpected output %q", out)
	}
	count, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil {
		return 0, fmt.Errorf("doveadm mailbox status: parse %q: %w", value, err)
	}
	return count, nil
}

// UseMdbox switches the server from maildir to mdbox, Dovecot's own indexed mail format,
// and copies the owner's mail over with doveadm (dsync keeps UIDs, UIDVALIDITY and
// INTERNALDATEs); the other account starts empty. Folder names stay as they were ("." still
// separates levels). It is for benchmarks that compare what the storage costs the server
// with what the client asks of it: maildir makes Dovecot read whole directories where
// mdbox reads its index. It returns how long the copy took.
func (d *Dovecot) UseMdbox(t testing.TB) time.Duration {
	t.Helper()
	conf, err := os.ReadFile(d.confPath)
	if err != nil {
		t.Fatalf("mailtest: switch to mdbox: %v", err)
	}
	const maildir = "mail_location = maildir:~/Maildir\n"
	if !bytes.Contains(conf, []byte(maildir)) {
		t.Fatalf("mailtest: switch to mdbox: the configuration has no line %q", strings.TrimSpace(maildir))
	}
	conf = bytes.Replace(conf, []byte(maildir), []byte("mail_location = mdbox:~/mdbox\n"), 1)
	conf = append(conf, "namespace inbox {\n  inbox = yes\n  separator = .\n}\n"...)
	if err := os.WriteFile(d.confPath, conf, 0o644); err != nil {
		t.Fatalf("mailtest: switch to mdbox: %v", err)
	}
	d.Restart(t)
	began := time.Now()
	source := "maildir:" + filepath.Join(d.Dir, "mail", d.User, "Maildir")
	out, err := exec.Command(d.doveadm, "-c", d.confPath, "backup", "-R", "-u", d.User, source).CombinedOutput()
	if err != nil {
		t.Fatalf("mailtest: switch to mdbox: doveadm backup: %v: %s", err, out)
	}
	took := time.Since(began)
	t.Logf("mailtest: copied the owner's mail into mdbox in %v", took.Round(time.Millisecond))
	return took
}

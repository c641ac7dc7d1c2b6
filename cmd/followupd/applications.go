package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/employerflow"
	"github.com/followupd/followupd/internal/tidy"
	"github.com/followupd/followupd/mailer"
	"github.com/followupd/followupd/store"
)

// listApplications prints `followupd list --applications`: each
// application's stage, last contact from the employer, next step, and its
// interviews and stage history.
func listApplications(ctx context.Context, e *env, cfg *config.Config, st *store.Store, asJSON bool) error {
	apps, err := st.Applications(ctx, time.Now())
	if err != nil {
		return err
	}
	if asJSON {
		return writeApplicationsJSON(e.stdout, apps, cfg.Owner.Location)
	}
	return writeApplicationsText(e.stdout, apps, cfg.Owner.Location)
}

type listApplication struct {
	ID          int64       `json:"id"`
	Company     string      `json:"company"`
	Position    string      `json:"position"`
	Stage       string      `json:"stage"`
	LastContact string      `json:"last_contact"` // "" when the employer has not written
	NextStep    string      `json:"next_step"`
	Interviews  []int64     `json:"interviews"`
	History     []listStage `json:"history"`
}

type listStage struct {
	Stage  string `json:"stage"`
	At     string `json:"at"`
	Undone bool   `json:"undone,omitempty"`
}

func writeApplicationsJSON(w io.Writer, apps []store.Application, loc *time.Location) error {
	out := make([]listApplication, 0, len(apps))
	for _, a := range apps {
		la := listApplication{ID: a.ID, Company: a.Company, Position: a.Position, Stage: a.Stage,
			LastContact: utc(a.LastContact), NextStep: employerflow.NextStep(a, loc), Interviews: []int64{}, History: []listStage{}}
		for _, iv := range a.Interviews {
			la.Interviews = append(la.Interviews, iv.ID)
		}
		for _, h := range a.History {
			la.History = append(la.History, listStage{Stage: h.Stage, At: utc(h.At), Undone: h.Undone})
		}
		out = append(out, la)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeApplicationsText(w io.Writer, apps []store.Application, loc *time.Location) error {
	if len(apps) == 0 {
		_, err := fmt.Fprintln(w, "no applications known yet")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, a := range apps {
		company := tidy.OneLine(a.Company)
		if company == "" {
			company = "(company not named)"
		}
		if a.Position != "" {
			company += ", " + tidy.OneLine(a.Position)
		}
		last := "none yet"
		if !a.LastContact.IsZero() {
			last = a.LastContact.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
		}
		fmt.Fprintf(tw, "%s\t%s\n", company, mailer.StageName(a.Stage))
		fmt.Fprintf(tw, "\tlast contact\t%s\n", last)
		fmt.Fprintf(tw, "\tnext step\t%s\n", tidy.OneLine(employerflow.NextStep(a, loc)))
		for _, iv := range a.Interviews {
			fmt.Fprintf(tw, "\tinterview #%d\t%s\t%s\n", iv.ID, iv.Start.In(loc).Format("Mon 2 Jan 2006 15:04 MST"), tidy.OneLine(iv.Summary))
		}
		for _, h := range a.History {
			undone := ""
			if h.Undone {
				undone = " (undone)"
			}
			fmt.Fprintf(tw, "\tstage\t%s%s\t%s\n", mailer.StageName(h.Stage), undone, h.At.In(loc).Format("Mon 2 Jan 15:04"))
		}
	}
	return tw.Flush()
}

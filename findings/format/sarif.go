package format

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/corslint/corslint/findings"
)

// The SARIF 2.1.0 subset corslint writes. Typed structs of our own keep the
// output small (no -1 defaults); tests validate it against the official
// schema with go-sarif.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool sarifTool `json:"tool"`
	// Language and NewlineSequences restate SARIF's defaults; readers that
	// fill absent fields with zero values (go-sarif) then stay valid.
	Language          string                      `json:"language"`
	NewlineSequences  []string                    `json:"newlineSequences"`
	AutomationDetails *sarifAutomation            `json:"automationDetails,omitempty"`
	OriginalURIBase   map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results           []sarifResult               `json:"results"`
	Invocations       []sarifInvocation           `json:"invocations,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Language       string      `json:"language"`
	Version        string      `json:"version,omitempty"`
	SemanticVer    string      `json:"semanticVersion,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifLocation struct {
	ID               int           `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifNotification struct {
	Level      string          `json:"level"`
	Message    sarifText       `json:"message"`
	Locations  []sarifLocation `json:"locations,omitempty"`
	Descriptor *struct {
		ID string `json:"id"`
	} `json:"descriptor,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

// informationURI is corslint's home page; rule help links hang off it.
const informationURI = "https://github.com/corslint/corslint"

func ruleHelpURI(id string) string {
	return informationURI + "/blob/main/docs/rules/" + id + ".md"
}

func sarifLevel(s findings.Severity) string {
	return map[findings.Severity]string{findings.Error: "error", findings.Warning: "warning", findings.Note: "note"}[s]
}

func writeSARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "corslint", Language: "en-US", Version: sarifVersion(r.Version), InformationURI: informationURI,
			Rules: []sarifRule{},
		}},
		Language:          "en-US",
		NewlineSequences:  []string{"\r\n", "\n"},
		AutomationDetails: &sarifAutomation{ID: "corslint/"},
		Results:           []sarifResult{},
	}
	if r.Root != "" {
		run.OriginalURIBase = map[string]sarifArtifactLoc{"SRCROOT": {URI: fileURI(strings.TrimSuffix(r.Root, "/") + "/")}}
	}
	index := map[string]int{}
	for i, rule := range r.Rules {
		index[rule.ID] = i
		tags := []string{"security", "cors"}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: rule.ID, Name: rule.Slug,
			ShortDescription:     sarifText{Text: rule.Summary},
			FullDescription:      sarifText{Text: rule.Summary},
			Help:                 sarifText{Text: rule.Summary + "\n\n" + ruleHelpURI(rule.ID), Markdown: rule.Doc},
			HelpURI:              ruleHelpURI(rule.ID),
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(rule.Severity)},
			Properties:           sarifRuleProps{SecuritySeverity: rule.SecuritySeverity, Tags: tags, Precision: "high"},
		})
	}
	var notes []sarifNotification
	// Identical statements in one file share a fingerprint; the n-th copy
	// gets ":n" so that each result stays distinct and stable.
	seen := map[string]int{}
	for _, f := range r.Findings {
		loc := r.sarifLoc(f.Span.File, f.Span.Line, f.Span.Col, f.Span.EndLine, f.Span.EndCol)
		if f.RuleID == "CORS001" {
			notes = append(notes, sarifNotification{Level: "error", Message: sarifText{Text: f.Message}, Locations: []sarifLocation{loc},
				Descriptor: &struct {
					ID string `json:"id"`
				}{ID: f.RuleID}})
		}
		res := sarifResult{
			RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: sarifLevel(f.Severity),
			Message:             sarifText{Text: f.Message},
			Locations:           []sarifLocation{loc},
			PartialFingerprints: map[string]string{"corslint/v1": r.fingerprint(f)},
		}
		fp := res.PartialFingerprints["corslint/v1"]
		if seen[fp]++; seen[fp] > 1 {
			res.PartialFingerprints["corslint/v1"] = fp + ":" + strconv.Itoa(seen[fp])
		}
		for i, rel := range f.Related {
			l := r.sarifLoc(rel.Span.File, rel.Span.Line, rel.Span.Col, rel.Span.EndLine, rel.Span.EndCol)
			l.ID = i + 1
			l.Message = &sarifText{Text: rel.Message}
			res.RelatedLocations = append(res.RelatedLocations, l)
		}
		for i, v := range f.Span.Via {
			l := r.sarifLoc(v.File, v.Line, v.Col, v.EndLine, v.EndCol)
			l.ID = len(f.Related) + i + 1
			l.Message = &sarifText{Text: "included from here"}
			res.RelatedLocations = append(res.RelatedLocations, l)
		}
		if f.Suppressed != nil {
			res.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.Suppressed.Reason}}
		}
		run.Results = append(run.Results, res)
	}
	run.Invocations = []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: notes}}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifVersion makes a version that starts with a number, as SARIF
// consumers compare them: "v1.2.0" -> "1.2.0", "dev" -> "0.0.0-dev".
func sarifVersion(v string) string {
	if v == "" {
		return ""
	}
	v = strings.TrimPrefix(v, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return "0.0.0-" + v
	}
	return v
}

func (r *Report) sarifLoc(file string, line, col, endLine, endCol int) sarifLocation {
	al := sarifArtifactLoc{URI: r.rel(file)}
	if r.Root != "" && !strings.HasPrefix(al.URI, "/") {
		// A relative reference still has to be a valid URI: spaces and
		// "%" escaped, and "./" before a first segment with a colon.
		al.URI = (&url.URL{Path: al.URI}).String()
		al.URIBaseID = "SRCROOT"
	} else {
		al.URI = fileURI(file)
	}
	reg := sarifRegion{StartLine: max(line, 1), StartColumn: max(col, 1)}
	if endLine >= reg.StartLine && endCol > 0 && (endLine > reg.StartLine || endCol > reg.StartColumn) {
		reg.EndLine, reg.EndColumn = endLine, endCol
	}
	return sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: al, Region: reg}}
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

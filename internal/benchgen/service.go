package benchgen

import (
	"fmt"
	"math/rand/v2"
)

var (
	teams    = []string{"payments", "catalog", "identity", "search", "media", "checkout", "growth", "platform", "data", "mobile", "support", "ads"}
	nouns    = []string{"api", "gateway", "assets", "auth", "orders", "users", "images", "reports", "events", "files", "billing", "inbox", "maps", "feeds", "admin", "ws"}
	domains  = []string{"example.com", "example.org", "example.net", "shop.example", "corp.example"}
	envs     = []string{"prod", "staging", "dev", "eu", "us"}
	runtimes = []string{"nodejs20.x", "python3.12", "java21", "provided.al2023", "nodejs18.x"}
)

// service is one team's service: a name, a domain and the hosts that call
// it, shared by its files so that they refer to each other consistently.
type service struct {
	team, name, domain string
	clients            []string // trusted front-end hosts
	nginx, apache      bool
	sam, vcl           bool
	sites              int
}

func newService(r *rand.Rand, i int) service {
	s := service{
		team:   teams[r.IntN(len(teams))],
		name:   fmt.Sprintf("%s-%s-%d", nouns[r.IntN(len(nouns))], nouns[r.IntN(len(nouns))], i),
		domain: domains[r.IntN(len(domains))],
		nginx:  r.IntN(100) < 55,
		apache: r.IntN(100) < 35,
		sam:    r.IntN(100) < 50,
		vcl:    r.IntN(100) < 20,
		sites:  2 + r.IntN(6),
	}
	if !s.nginx && !s.apache && !s.sam && !s.vcl {
		s.nginx = true
	}
	for _, c := range []string{"app", "admin", "www", "m", "partner", "beta"} {
		if r.IntN(100) < 45 || len(s.clients) == 0 && c == "beta" {
			s.clients = append(s.clients, c)
		}
	}
	return s
}

// files lays out the service's files.
func (s service) files(r *rand.Rand) []Planned {
	root := "services/" + s.team + "/" + s.name + "/"
	var out []Planned
	add := func(p string, k Kind) { out = append(out, Planned{Path: root + p, Kind: k}) }
	if s.nginx {
		add("deploy/nginx/nginx.conf", NginxMain)
		add("deploy/nginx/snippets/cors.conf", NginxSnippet)
		for i := 0; i < s.sites; i++ {
			add(fmt.Sprintf("deploy/nginx/conf.d/%s-%d.conf", nouns[r.IntN(len(nouns))], i), NginxSite)
		}
		if r.IntN(100) < 20 {
			add("deploy/nginx/templates/default.conf.template", NginxSite)
		}
	}
	if s.apache {
		add("deploy/apache/apache2.conf", ApacheMain)
		for i := 0; i < s.sites/2+1; i++ {
			add(fmt.Sprintf("deploy/apache/sites-enabled/%s-%d.conf", nouns[r.IntN(len(nouns))], i), ApacheSite)
		}
		add("public/.htaccess", Htaccess)
		if r.IntN(100) < 50 {
			add("public/fonts/.htaccess", Htaccess)
		}
	}
	if s.sam {
		add("template.yaml", SAMYAML)
		for i := 0; i < r.IntN(3); i++ {
			add(fmt.Sprintf("infra/cfn/%s-%d.json", nouns[r.IntN(len(nouns))], i), CFNJSON)
		}
	}
	if s.vcl {
		add("deploy/varnish/default.vcl", VCLMain)
		add("deploy/varnish/cors.vcl", VCLInclude)
	}
	add("README.md", Other)
	if r.IntN(100) < 25 {
		add("package.json", Other)
	}
	if r.IntN(100) < 25 {
		add(".github/workflows/ci.yml", Other)
	}
	if r.IntN(100) < 40 {
		add("src/"+nouns[r.IntN(len(nouns))]+".go", Other)
	}
	return out
}

func (s service) host(prefix string) string { return prefix + "." + s.domain }

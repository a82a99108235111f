package rules

// apacheExamples holds, per rule ID, the apache example shown in the rule's
// documentation after the nginx one.
var apacheExamples = map[string]docExample{
	"CORS101": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Origin expr=%{req:Origin}
Header always set Access-Control-Allow-Credentials "true"`,
		Good: `
SetEnvIfNoCase Origin "^https://(app|admin)\.example\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
Header always merge Vary Origin`,
		Note: "An `<If \"%{HTTP:Origin} =~ m#^https://app\\.example\\.com$#\">` around the header, or a `RewriteCond %{HTTP:Origin}` before a `RewriteRule ... [E=CORS_ORIGIN:%{HTTP:Origin}]`, is an allowlist too.",
	},
	"CORS102": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
SetEnvIf Origin "https://.*example.com" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN`,
		Good: `
SetEnvIf Origin "^https://(app|admin)\.example\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN`,
	},
	"CORS103": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
SetEnvIf Origin "^(https://app\.example\.com|null)$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN`,
		Good: `
SetEnvIf Origin "^https://app\.example\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN`,
	},
	"CORS104": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Origin "http://app.example.com"`,
		Good: `
Header always set Access-Control-Allow-Origin "https://app.example.com"`,
	},
	"CORS105": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Origin "https://a.example.com https://b.example.com"
Header always set Access-Control-Allow-Origin "%{Origin}i"`,
		Good: `
SetEnvIf Origin "^https://(a|b)\.example\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN`,
		Note: "`%{Origin}i` is mod_log_config's syntax. mod_headers has no request-header tag: it reads `%i` (the idle workers) and sends `i=98`.",
	},
	"CORS106": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Origin "https://partner.example.net"`,
		Good: `
Header always set Access-Control-Allow-Origin "https://app.example.com"`,
	},
	"CORS201": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Allow-Credentials "true"`,
		Good: `
SetEnvIf Origin "^https://app\.example\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
Header always merge Vary Origin`,
	},
	"CORS202": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Credentials "True"`,
		Good: `
Header always set Access-Control-Allow-Credentials "true"`,
	},
	"CORS203": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Credentials "true"
Header always set Access-Control-Allow-Headers "*"`,
		Good: `
Header always set Access-Control-Allow-Credentials "true"
Header always set Access-Control-Allow-Headers "Content-Type, Authorization"`,
	},
	"CORS301": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
<If "%{REQUEST_METHOD} == 'OPTIONS'">
    Header always set Access-Control-Allow-Origin "https://app.example.com"
</If>
<Location "/api/">
    Header always set Access-Control-Allow-Methods "GET, PUT, DELETE"
</Location>
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^ - [R=204,L]`,
		Good: `
Header always set Access-Control-Allow-Origin "https://app.example.com"
Header always set Access-Control-Allow-Methods "GET, PUT, DELETE"
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^ - [R=204,L]`,
	},
	"CORS302": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Origin "https://app.example.com"
Header always set Access-Control-Allow-Methods "GET, POST, PUT"
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^ - [R=204,L]`,
		Good: `
Header always set Access-Control-Allow-Origin "https://app.example.com"
Header always set Access-Control-Allow-Methods "GET, POST, PUT"
Header always set Access-Control-Allow-Headers "Content-Type, Authorization"
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^ - [R=204,L]`,
	},
	"CORS303": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
<Location "/api/">
    AuthType Basic
    AuthName "API"
    AuthUserFile /etc/apache2/api.passwd
    Require valid-user
    Header always set Access-Control-Allow-Origin "https://app.example.com"
    Header always set Access-Control-Allow-Methods "GET, PUT"
    ProxyPass "http://backend/"
</Location>`,
		Good: `
<Location "/api/">
    AuthType Basic
    AuthName "API"
    AuthUserFile /etc/apache2/api.passwd
    Require valid-user
    Header always set Access-Control-Allow-Origin "https://app.example.com"
    Header always set Access-Control-Allow-Methods "GET, PUT"
    Header always set Access-Control-Allow-Headers "Content-Type, Authorization"
    ProxyPass "http://backend/"
</Location>
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^/api/ - [R=204,L]`,
		Note: "httpd answers OPTIONS for static files itself, with 200 and `Allow` and every header: that passes. Preflights carry no credentials, so a `Require` that needs a login answers them with 401; an OPTIONS passed to a backend gets whatever the backend says (often 405). A `RewriteRule` with `R=204` in the server context answers before both.",
	},
	"CORS304": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header set Access-Control-Allow-Origin "https://app.example.com"
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^ - [R=204,L]`,
		Good: `
Header always set Access-Control-Allow-Origin "https://app.example.com"
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^ - [R=204,L]`,
		Note: "`Header` without `always` fills the onsuccess table, which httpd skips on the responses it generates itself: its own 404, a `RewriteRule ... [R=204]` preflight. It does reach proxied responses of every status.",
	},
	"CORS306": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Max-Age "1 day"`,
		Good: `
Header always set Access-Control-Max-Age "7200"`,
	},
	"CORS307": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header always set Access-Control-Allow-Methods "GET POST PUT"`,
		Good: `
Header always set Access-Control-Allow-Methods "GET, POST, PUT"`,
	},
	"CORS401": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
SetEnvIf Origin "^https://(app|admin)\.example\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN`,
		Good: `
SetEnvIf Origin "^https://(app|admin)\.example\.com$" CORS_ORIGIN=$0
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
Header always merge Vary Origin`,
	},
	"CORS402": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header set Vary Origin`,
		Good: `
Header merge Vary Origin`,
		Note: "`Header set Vary` replaces the `Vary: Accept-Encoding` that mod_deflate put in the same table (httpd 2.4.71 sent only `Vary: Origin`). `Header always set Vary` writes to a table of its own and leaves it alone.",
	},
	"CORS501": {
		Title: "Apache httpd", Lang: "apache",
		Bad: `
Header set Access-Control-Allow-Origin "https://app.example.com"
Header always set Access-Control-Allow-Origin "https://app.example.com"`,
		Good: `
Header always set Access-Control-Allow-Origin "https://app.example.com"`,
		Note: "The `always` and `onsuccess` tables are separate: the same header set in both is sent twice. So is a header set by the virtual host with `always` and by a `.htaccess` without it, and every `Header add`.",
	},
}

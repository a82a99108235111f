package browser

import (
	"slices"
	"strings"
	"testing"
)

// TestChromiumHeaderOrder checks the rebuilt header hash table against the
// order in which Chromium 156 sent the page's headers on the wire (fetch()
// from http://127.0.0.1:A to http://127.0.0.1:B, and to a host mapped with
// --host-resolver-rules for the non-trustworthy case). The names here are
// the order measured; the test feeds them in shuffled and expects them back.
func TestChromiumHeaderOrder(t *testing.T) {
	tests := []struct {
		trustworthy bool
		want        string
	}{
		{true, "viewport-width width accept-language intervention dpr accept content-language rtt downlink"},
		{true, "authorization x-a x-b"},
		{true, "alpha zeta"},
		{true, "authorization x-requested-with content-type"},
		{true, "authorization content-type"},
		{true, "authorization content-type"},
		{true, "e d b c f g a h"},
		{true, "e d b c f g a h"},
		{true, "x-request-id authorization x-csrf-token x-api-key content-type"},
		{true, "authorization x-requested-with content-type"},
		{true, "x-d x-tuvxboyvz x-cgof x-rdl x-rltskew x-mmmmdpumb x-s x-kt"},
		{true, "x-po x-qplx x-ayqjucwiq x-a x-pjcedxkx x-ozxllc x-kuhtzzygz x-flyhrr x-pwfqa x-pigwt x-mxzh x-qlew"},
		{true, "x-aoyftayze x-ovsqnq x-drbkvqqrpzyd x-eae x-kczxmomxcxf x-aycoktqtq x-irnebx x-ozuettpvle x-ept x-bhgibydqo x-reaazxudq x-enggaigjqhys x-zwygpfn x-req x-wioq"},
		{true, "x-roowam x-nqmknglkcxla x-vleieohxdmp x-y x-vhf x-qtjqcd x-wkcibzwf x-gv x-id x-iye x-zdyew x-akrniteb x-vimerqs x-ciauczi x-th x-dcii"},
		{true, "x-wkijaxytzuca x-ndrygm x-dpwo x-hzuymbm x-dnpw x-rkfndcitc x-yjzncb x-uo x-gxctk x-hhe x-dbgt x-olbj x-hqqhu x-cqgmyfhncu x-o x-pglrogklxpau x-p x-iktbix x-z x-zb x-jwyethkkolzz x-xigoh x-zinpepf x-gfuqxo x-ryvydyjjisil x-fhenotvh x-d x-owkxdcf x-j x-sgkcm x-xmlkofdacic"},
		{true, "x-mdcelnlc x-pyzzzgj x-uyjunjshn x-bpk x-jvjnbjx x-rumxz x-qqvbbuec x-lnnayzlugm x-c x-vloqofa x-zxhcltyifkt x-eurcufmwi x-t x-klbg x-mganfndcmslo x-mcwtwfuzhtm x-ohoytyof x-mfu x-dehxgb x-dyqbu x-euzmcstlx x-imlsel x-kyxqcbyqmuze x-eab x-feljfqfcd x-yvbvkdmto x-xwdgepjzzf x-orqswd x-gpfsgbmqfm x-sitq x-oeiqp x-vkmfz"},
		{true, "x-ugcqa x-feazhweo x-usotqxphfa x-fxkg x-anqydlp x-l x-cu x-dt x-cyuujpdedzy x-jyyb x-lew x-ppqwaanxh x-ihx x-wramnxoc x-vcywmdhgg x-gjkknialijb x-dpwzfpsl x-a x-e x-jzgmtscsfe x-bb x-ziaburl x-untfqjcjubx x-vzi x-kthmuwv x-rvgengqtuq x-iwbiurvnvzqi x-b x-amfhfbyda x-brsgwcsjfnaq x-ylkytqpjtxaz x-uofhdihubdkx x-uubwcxbcsylg"},
		{false, "authorization x-a x-b"},
		{false, "zeta alpha"},
	}
	for _, tt := range tests {
		want := strings.Fields(tt.want)
		in := slices.Clone(want)
		slices.Reverse(in)
		if got := chromiumHeaderOrder(in, tt.trustworthy); !slices.Equal(got, want) {
			t.Errorf("%d headers (trustworthy %v):\n got %v\nwant %v", len(want), tt.trustworthy, got, want)
		}
	}
}

func TestRapidhashLengths(t *testing.T) {
	// Every length path of rapidhash (1, 2-3, 4-16, 17-48, over 48 UTF-16
	// bytes) must be deterministic and not panic.
	for n := 1; n <= 70; n++ {
		s := strings.Repeat("a", n)
		if caseFoldingHash(s) != caseFoldingHash(strings.ToUpper(s)) {
			t.Errorf("length %d: hash is not case-insensitive", n)
		}
		if caseFoldingHash(s) == 0 || caseFoldingHash(s) >= 1<<24 {
			t.Errorf("length %d: hash %#x outside 24 bits or zero", n, caseFoldingHash(s))
		}
	}
}

package nlp

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Languages reported by Identify. Detect and DetectTokens report only
// German, English and Undetermined.
const (
	German       = "de"
	English      = "en"
	Spanish      = "es"
	French       = "fr"
	Italian      = "it"
	Portuguese   = "pt"
	Dutch        = "nl"
	Polish       = "pl"
	Turkish      = "tr"
	Swedish      = "sv"
	Danish       = "da"
	Undetermined = "und"
)

// Lang maps a language tag as callers and mail headers give it ("de",
// "de-DE", "EN", " en_GB") to German or English, and anything else to "".
func Lang(tag string) string {
	l := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case strings.HasPrefix(l, "de"):
		return German
	case strings.HasPrefix(l, "en"):
		return English
	}
	return ""
}

// langs are the languages Identify knows, in the bit order of langSet.
var langs = [...]string{German, English, Spanish, French, Italian, Portuguese, Dutch, Polish, Turkish, Swedish, Danish}

const (
	iDE = iota
	iEN
	iES
	iFR
	iIT
	iPT
	iNL
	iPL
	iTR
	iSV
	iDA
	numLangs
)

// langSet is a set of languages, one bit per index in langs.
type langSet uint16

// Frequent function words and service words per language, written as
// people write them; they are folded like text (Fold) when the lists are
// built, so German umlauts may be written either way. A word that several
// languages share ("a", "i", "die", "de", "is") is in each of their lists
// and counts less (see sharedWordPoints).
var langWords = [numLangs]string{
	iDE: `der die das den dem des ein eine einen einem einer eines und oder aber ist sind war waren
		bin bist hat habe haben hatte hatten wird werden wurde wurden kann können könnte konnte muss müssen
		soll sollte will möchte möchten ich du er sie es wir ihr mich mir dich dir uns euch ihnen ihre ihren
		ihrem ihrer sein seine seinen mein meine meinen meinem meiner dein deine nicht kein keine keinen
		keiner nichts noch schon auch nur sehr mit von zu zum zur für auf aus bei nach seit vom im am um
		über unter vor wie was wo warum wann wer welche welcher welches wieso weshalb bitte danke vielen
		dank hallo guten tag grüße gruß freundlichen geehrte geehrter damen herren leider gerne dass
		wenn weil ob denn doch mal jetzt heute gestern morgen immer wieder bestellung rechnung lieferung
		paket konto kündigung dankeschön gibt gibts geht ja nein mfg lg vg viele liebe hier sich man
		dann da so als wieder alle alles mehr ganz gut neue neuen diese dieser dieses diesem ohne gegen
		bis durch habt wäre würde würden hätte bestellt geliefert erhalten bekommen angekommen frage
		fragen adresse passwort vertrag kunde kundennummer bestellnummer zahlung ware artikel
		rücksendung erstattung rückerstattung problem hilfe mache mach schalte stelle zeige sag spiel
		spiele wieviel uhr bald nochmal kurz eigentlich in an also nr neu alt str straße`,
	iEN: `the a an and or but is are was were be been being am has have had having will would
		shall should can could may might must do does did done i you he she it we they me him her us them my
		your his its our their mine yours not no never nothing none still already also only very with from to
		for on in at by of about after since before into over under how what where why when who which please
		thanks thank hello hi dear regards kind sincerely sorry that this these those there here if because
		just yet again now today yesterday tomorrow always order invoice delivery parcel account refund
		thx ty pls plz as so up out get got go going know like make want need help one all any some more
		other than then well way new first time see give back use said say tell take come think its there
		been dont didnt cant wont im ive isn doesn didn wasn aren couldn wouldn shouldn haven hasn
		card payment money charge charged cancel cancelled item package received arrived sent bought
		problem issue transfer transaction balance forgot password`,
	iES: `de la que el en y a los se del las un por con no una su para es al lo como más pero sus le ya o
		este sí porque esta cuando muy sin sobre también me hasta hay donde desde todo nos todos uno les ni
		eso esto yo otro nada mi mis tu te ti he ha han hemos tengo tiene tienen puedo puede pueden quiero
		quisiera necesito estoy está están hola gracias buenos buenas días saludos atentamente estimado
		estimados señor señora favor pedido factura envío paquete cuenta dinero devolución reembolso
		problema ayuda todavía aún recibido recibí llegado llegó cuándo dónde cómo qué hoy ayer ser son
		fue era hacer hecho bien gracias compra compré producto tarjeta pago cobro cobrado cancelar
		usted ustedes nuestro nuestra vuestro hace mañana semana semanas fui dos veces mismo`,
	iFR: `le la les de des du un une et est en à au aux ce cet cette ces que qui quoi dont où je tu il elle
		nous vous ils elles on me te se lui leur mon ma mes ton ta tes son sa ses notre votre nos vos pas ne
		plus pour par avec sans dans sur sous chez mais ou donc car si très bien merci bonjour bonsoir
		madame monsieur cordialement salutations ai avez avoir suis êtes sommes été fait faire peux pouvez
		voudrais souhaite besoin commande facture livraison colis compte remboursement problème aide
		toujours encore reçu pourquoi quand comment combien aujourd hui déjà rien tout tous aussi ça
		était sont ont avons peut puis veux votre vôtre semaine semaines jour jours produit carte paiement
		annuler demain hier`,
	iIT: `il lo la i gli le di da in con su per tra fra un uno una e è ed o ma se non che chi cui mi ti ci vi
		si ne lui lei noi voi loro mio mia miei mie tuo suo nostro vostro sono sei siamo siete ho hai ha
		abbiamo avete hanno era stato fatto posso può vorrei ancora già sempre anche molto grazie
		buongiorno buonasera salve gentile cordiali saluti ordine fattura consegna pacco conto rimborso
		problema aiuto ricevuto arrivato quando dove come perché del della dei delle dello al alla ai alle
		nel nella sul sulla questo questa quello oggi ieri domani sto stai sta essere fare bene prodotto
		carta pagamento annullare settimana settimane ordinato`,
	iPT: `o a os as de do da dos das em no na nos nas um uma e é ou mas se não que quem com sem por para
		pelo pela eu tu ele ela nós eles elas me te lhe meu minha meus minhas seu sua nosso nossa está
		estou estão sou são foi tenho tem têm posso pode gostaria preciso obrigado obrigada olá bom boa
		dia atenciosamente cumprimentos prezado prezada senhor senhora pedido encomenda fatura entrega
		pacote conta reembolso devolução problema ajuda ainda já recebi recebido chegou quando onde como
		porquê muito também isso isto hoje ontem amanhã você vocês fazer feito bem produto cartão
		pagamento cancelar semana semanas comprei favor fui duas vezes mesmo dinheiro`,
	iNL: `de het een en van in is op te dat die niet met zijn voor er aan als om ook maar bij nog uit dan of
		wat wel geen naar heb hebt heeft hebben ik je jij u hij zij wij we jullie mijn mij me uw jouw haar
		ons onze kan kunt kunnen wil wilt zou graag bedankt dank alvast groeten vriendelijke hallo
		goedemiddag goedemorgen beste geachte bestelling factuur levering pakket rekening terugbetaling
		probleem hulp steeds ontvangen geleverd wanneer waar waarom hoe alstublieft aub al vandaag gisteren
		morgen was werd worden wordt deze dit kan heel veel hier daar betaling annuleren besteld week
		weken mvg`,
	iPL: `i w na z się nie do że to jest jak co o po a od za ale tak czy już tylko dla jego jej ich mnie mi
		mój moja moje moim mojego pan pani państwo proszę dziękuję dzień dobry witam pozdrawiam
		zamówienie faktura przesyłka paczka konto zwrot pieniędzy problem pomoc nadal jeszcze otrzymałem
		otrzymałam dostałem kiedy gdzie dlaczego bardzo być było został została mam ma mają może mogę
		chciałbym chciałabym dzisiaj jestem są nr mój zamówiłem płatność karta tydzień tygodnie`,
	iTR: `ve bir bu da de ile için ne ben sen o biz siz onlar benim bana beni sizin size değil var yok mi mı
		mu mü çok daha gibi ama veya kadar sonra önce hâlâ hala henüz merhaba teşekkürler teşekkür ederim
		lütfen iyi günler saygılarımla sipariş siparişim fatura kargo paket hesap iade para sorun yardım
		ulaşmadı gelmedi aldım zaman nerede neden nasıl bugün şu olan olarak kart ödeme iptal hafta
		ürün istiyorum`,
	iSV: `och i att det som en på är av för med till den har de inte om ett men jag du han hon vi ni dem min
		mitt mina din ditt er vår kan vill skulle hade var blev mycket tack hej hejsan vänliga hälsningar
		mvh beställning faktura leverans paket konto återbetalning problem hjälp fortfarande ännu fått
		mottagit när varför hur också bara någon något inga ingen idag från mig dig sig här där
		betalning avbryta vecka veckor beställde`,
	iDA: `og i at det en den til er som på de med han af for ikke der var mig sig men et har om vi min mit
		mine din dit jeres vores kan vil skal ville havde hej tak venlig hilsen mvh bestilling faktura
		levering pakke konto tilbagebetaling refusion problem hjælp stadig endnu modtaget fået hvornår hvor
		hvorfor hvordan også kun nogen noget ingen jeg du fra dig her hvad efter mere betaling annullere
		uge uger bestilte tusind`,
}

// wordList returns the folded tokens of a word list.
func wordList(s string) []string { return AppendTokens(nil, Fold(s)) }

// cueWords maps each folded word of langWords to the languages it
// belongs to, so that IdentifyTokens looks each token up once.
var cueWords = NewWordTable(cueWordMap())

// cueWordMap returns the words of cueWords and their languages.
func cueWordMap() map[string]langSet {
	m := make(map[string]langSet, 1600)
	for i, s := range langWords {
		for _, w := range wordList(s) {
			m[w] |= 1 << i
		}
	}
	return m
}

// sharedWordPoints[n] is what a cue word gives each of the n languages it
// belongs to: a word only one language uses is strong evidence, "i" or
// "de" weak.
var sharedWordPoints = [numLangs + 1]int{0, 6, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1}

// letterCues returns the languages a letter is exclusive to (among the
// languages known) and the languages it is shared by. German umlauts and ß
// are folded away before tokens are seen; the caller counts them.
func letterCues(r rune) (only, shared langSet) {
	switch r {
	case 'ñ':
		return 1 << iES, 0
	case 'ã', 'õ':
		return 1 << iPT, 0
	case 'œ', 'î', 'û':
		return 1 << iFR, 0
	case 'ì', 'ò':
		return 1 << iIT, 0
	case 'ą', 'ć', 'ę', 'ł', 'ń', 'ś', 'ź', 'ż':
		return 1 << iPL, 0
	case 'ğ', 'ı', 'ş':
		return 1 << iTR, 0
	case 'æ', 'ø':
		return 1 << iDA, 0
	case 'å':
		return 0, 1<<iSV | 1<<iDA
	case 'ç':
		return 0, 1<<iFR | 1<<iPT | 1<<iTR
	case 'é':
		return 0, 1<<iES | 1<<iFR | 1<<iPT | 1<<iIT
	case 'á', 'ú':
		return 0, 1<<iES | 1<<iPT
	case 'í':
		return 0, 1<<iES | 1<<iPT | 1<<iIT
	case 'ó':
		return 0, 1<<iES | 1<<iPT | 1<<iPL
	case 'è', 'ù', 'à':
		return 0, 1<<iFR | 1<<iIT | 1<<iPT
	case 'ê', 'ô', 'â':
		return 0, 1<<iFR | 1<<iPT
	case 'ë', 'ï':
		return 0, 1<<iFR | 1<<iNL
	}
	return 0, 0
}

// Evidence weights on the scale of sharedWordPoints: a token with a letter only
// one language uses counts like a word only it uses, a letter some
// languages share a little for each, each of the first maxUmlauts umlauts
// (ä ö ü ß, counted together) half a word for German, Swedish and Turkish,
// which all write them; for German only in a text of fewer than shortText
// tokens or with a German cue word, so that Finnish or Hungarian is not
// taken for German for its umlauts. German and English, the languages antwort
// answers in, get a point of prior: a tie between one of them and another
// language goes to them; a tie between the two stays undetermined.
const (
	onlyPoints   = 6
	sharedPoints = 1
	umlautPoints = 3
	maxUmlauts   = 3
	priorPoints  = 1
	shortText    = 4
)

// Identify returns the language of s as an ISO 639-1 code: "de", "en",
// "es", "fr", "it", "pt", "nl", "pl", "tr", "sv" or "da", or "und" when
// the text gives no clear evidence (no cue at all, or a tie). Text in
// another language is "und" or one of those it resembles, never forced
// into German or English.
func Identify(s string) string {
	tp := getTokens()
	defer putTokens(tp)
	return IdentifyTokens(appendFoldedTokens(tp, s), countUmlauts(s))
}

// IdentifyTokens decides the language from folded tokens (see Tokenize)
// and the number of German letters (ä ö ü ß, either case) the original
// text contained: each cue word counts for its languages, each other
// token for the languages whose letters it contains (ñ, ł, ø, é, …); the
// language with the most evidence wins, a tie is "und". It never
// allocates.
func IdentifyTokens(tokens []string, umlauts int) string {
	score := [numLangs]int{iDE: priorPoints, iEN: priorPoints}
	for _, t := range tokens {
		set := cueWords.Value(t)
		switch {
		case set == 0:
			only, shared := tokenLetters(t)
			add(&score, only, onlyPoints)
			add(&score, shared&^only, sharedPoints)
		case set&(set-1) == 0: // one language, the common case
			score[bits.TrailingZeros16(uint16(set))] += sharedWordPoints[1]
		default:
			add(&score, set, sharedWordPoints[bits.OnesCount16(uint16(set))])
		}
	}
	u := umlautPoints * min(umlauts, maxUmlauts)
	if score[iDE] > priorPoints || len(tokens) < shortText {
		score[iDE] += u // with a German word, or in a word or two ("Rückerstattung")
	}
	score[iSV] += u // ä ö
	score[iTR] += u // ö ü
	best, second := iDE, iEN
	if score[iEN] > score[iDE] {
		best, second = iEN, iDE
	}
	for i := iEN + 1; i < numLangs; i++ {
		if score[i] > score[best] {
			best, second = i, best
		} else if score[i] > score[second] {
			second = i
		}
	}
	if score[best] <= priorPoints || score[best] == score[second] {
		return Undetermined
	}
	return langs[best]
}

// tokenLetters returns the languages whose letters t contains (see
// letterCues).
func tokenLetters(t string) (only, shared langSet) {
	for i := 0; i < len(t); i++ {
		if t[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		o, s := letterCues(r)
		only, shared = only|o, shared|s
		i += size - 1
	}
	return only, shared
}

// add adds points to the score of every language in set.
func add(score *[numLangs]int, set langSet, points int) {
	for set != 0 {
		score[bits.TrailingZeros16(uint16(set))] += points
		set &= set - 1
	}
}

// Detect returns the language of s for the parts of antwort that work in
// German and English only (stemming, knowledge-base search): "de", "en",
// or "und" for anything else — text with no clear evidence or in another
// language (see Identify).
func Detect(s string) string {
	tp := getTokens()
	defer putTokens(tp)
	return DetectTokens(appendFoldedTokens(tp, s), countUmlauts(s))
}

// DetectTokens is Detect on folded tokens (see Tokenize) and the number of
// German letters the original text contained. It never allocates.
func DetectTokens(tokens []string, umlauts int) string {
	switch l := IdentifyTokens(tokens, umlauts); l {
	case German, English:
		return l
	}
	return Undetermined
}

// CountUmlauts returns how many of ä ö ü ß Ä Ö Ü ẞ s contains.
func CountUmlauts(s string) int { return countUmlauts(s) }

func countUmlauts(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case 'ä', 'ö', 'ü', 'ß', 'Ä', 'Ö', 'Ü', 'ẞ':
			n++
		}
		i += size - 1
	}
	return n
}

package sentiment

// The word lists below were written by hand for antwort, from the authors'
// own knowledge of German and English customer mail. They are NOT taken,
// copied or derived from SentiWS or any other sentiment data set, and no
// weight was tuned on such a data set. Keep it that way when editing: add
// terms from your own judgement and cover them with a test case.
//
// Term syntax (see doc.go, "Lexicon"):
//
//	"gut"         whole token only (inflected forms are listed one by one)
//	"enttäusch*"  stem: any token that starts with the folded stem
//	"*abzocke"    compound head: the token itself or any longer token
//	              ending in it ("Kundenabzocke")
//	"nie wieder"  phrase: consecutive tokens, matched before single words
//
// Every term is folded like the text (lower case, ä→ae, ö→oe, ü→ue, ß→ss),
// so "enttäusch*" also matches "ENTTAEUSCHT".
//
// Weights are on one scale: ±0.3 a hint, ±0.8 mild, ±1.5 clear, ±2.0
// strong, ±2.5 outrage.

import (
	"sort"
	"strings"
)

// term is one lexicon line: a term and its weight or multiplier.
type term struct {
	t string
	w float64
}

// negatorDef is a negation cue. strength scales the negated weight, retro
// lets it also negate the predicate right before it (German "gefällt mir
// nicht"), never marks "nie"/"never", which "so"/"such" turn into emphasis
// ("noch nie so enttäuscht").
type negatorDef struct {
	t        string
	strength float64
	retro    bool
	never    bool
}

// germanTerms is the German sentiment vocabulary. Shared loan words
// (super, top, cool, problem, chaos, horror, optimal, fair, ...) are listed
// here once and serve English text as well.
func germanTerms() []term {
	return []term{
		// praise and satisfaction
		{"zufrieden*", 1.5}, {"super", 1.5}, {"supi", 1.2}, {"klasse", 1.4},
		{"spitze", 1.5}, {"spitzenmäßig", 1.8}, {"top", 1.0}, {"prima", 1.3},
		{"toll*", 1.5}, {"perfekt*", 1.8}, {"hervorragend*", 2.0},
		{"ausgezeichnet*", 2.0}, {"exzellent*", 2.0}, {"großartig*", 2.0},
		{"wunderbar*", 1.8}, {"wundervoll*", 1.8}, {"wunderschön*", 1.8},
		{"fantastisch*", 2.0}, {"phantastisch*", 2.0}, {"genial*", 1.8},
		{"grandios*", 2.0}, {"sensationell*", 2.0}, {"traumhaft*", 1.8},
		{"erstklassig*", 2.0}, {"brillant*", 2.0}, {"überragend*", 2.0},
		{"herausragend*", 2.0}, {"vorbildlich*", 2.0}, {"bestens", 1.5},
		{"beste", 1.2}, {"bester", 1.2}, {"besten", 1.2}, {"bestes", 1.2},
		{"besser", 0.5}, {"gut", 1.2}, {"gute", 1.2}, {"guter", 1.2},
		{"gutes", 1.2}, {"guten", 1.2}, {"gutem", 1.2}, {"schön*", 1.0},
		{"freundlich*", 1.2}, {"nett", 1.0}, {"nette", 1.0}, {"netten", 1.0},
		{"netter", 1.0}, {"nettes", 1.0}, {"hilfsbereit*", 1.5},
		{"hilfreich*", 1.3}, {"kompeten*", 1.5}, {"zuverlässig*", 1.3},
		{"schnell", 0.8}, {"schnelle", 0.8}, {"schnellen", 0.8},
		{"schneller", 0.8}, {"schnelles", 0.8}, {"schnellem", 0.8},
		{"zügig*", 0.8}, {"flott", 0.8}, {"pünktlich*", 0.8},
		{"reibungslos*", 1.3}, {"problemlos*", 1.0}, {"unkompliziert*", 1.2},
		{"kulant*", 1.5}, {"kulanz", 0.8}, {"einwandfrei*", 1.3},
		{"tadellos*", 1.5}, {"makellos*", 1.5}, {"fehlerfrei*", 1.0},
		{"angenehm*", 1.0}, {"begeister*", 2.0}, {"glücklich*", 1.5},
		{"glücklicherweise", 0.5}, {"froh", 1.2}, {"erfreut", 1.3},
		{"erfreulich*", 1.3}, {"freut", 1.0}, {"freue", 0.8},
		{"dankbar*", 1.2}, {"danke", 0.5}, {"dankeschön", 0.8}, {"dank", 0.3},
		{"bedanke", 0.8}, {"bedanken", 0.8}, {"lob", 1.3}, {"loben", 1.3},
		{"gelobt", 1.3}, {"empfehl*", 1.3}, {"weiterempfehl*", 1.8},
		{"gefällt", 1.2}, {"gefallen", 1.0}, {"gefiel", 1.0},
		{"liebevoll*", 1.5}, {"herzlich*", 0.8}, {"geholfen", 1.2},
		{"gelöst", 1.0}, {"behoben", 0.8}, {"geklärt", 0.8}, {"erledigt", 0.3},
		{"geklappt", 0.5}, {"klappt", 0.3}, {"sauber", 0.6},
		{"ordentlich", 0.5}, {"professionell*", 1.2}, {"engagiert*", 1.2},
		{"geduldig*", 1.0}, {"verständnisvoll*", 1.3}, {"aufmerksam*", 0.8},
		{"sympathisch*", 1.2}, {"höflich*", 1.0}, {"lösungsorientiert*", 1.3},
		{"optimal*", 1.3}, {"gelungen*", 1.2}, {"cool", 1.0}, {"geil*", 1.5},
		{"überzeugt", 1.2}, {"überzeugend*", 1.2}, {"positiv*", 1.0},
		{"erleichtert", 1.0}, {"beeindruck*", 1.8}, {"zuvorkommend*", 1.5},
		{"fair", 0.8}, {"fairerweise", 0.5}, {"preiswert*", 0.8},
		{"günstig*", 0.6}, {"wertvoll*", 1.0}, {"nützlich*", 1.0},
		{"bequem*", 0.8}, {"juhu", 1.5}, {"hurra", 1.5}, {"wow", 1.0},
		{"respekt", 0.8}, {"bravo", 1.8}, {"akzeptabel", 0.5},

		// disappointment, anger, outrage
		{"enttäusch*", -1.8}, {"*enttäuschung", -1.8}, {"unverschämt*", -2.5},
		{"*unverschämtheit", -2.5}, {"*frechheit", -2.5},
		{"frech", -1.5}, {"freche", -1.5}, {"frechen", -1.5},
		{"*sauerei", -2.5}, {"*schweinerei", -2.5}, {"katastroph*", -2.5},
		{"*katastrophe", -2.5}, {"ärger*", -1.5}, {"verärger*", -1.8},
		{"wütend*", -2.2}, {"wut", -2.0}, {"stinkwütend*", -2.5},
		{"zornig*", -2.2}, {"sauer", -1.8}, {"stinksauer", -2.5},
		{"abzock*", -2.5}, {"*abzocke", -2.5}, {"abgezockt", -2.5},
		{"betrug", -2.5}, {"*betrug", -2.5}, {"betrüg*", -2.5},
		{"betrogen", -2.2}, {"unmöglich*", -1.8}, {"miserab*", -2.2},
		{"mies*", -1.8}, {"schlecht*", -1.5}, {"schlimm*", -1.5},
		{"furchtbar*", -2.0}, {"schrecklich*", -2.0}, {"grauenhaft*", -2.2},
		{"grauenvoll*", -2.2}, {"entsetz*", -2.0}, {"empör*", -2.0},
		{"skandal*", -2.2}, {"lächerlich*", -1.8}, {"peinlich*", -1.5},
		{"inakzeptab*", -2.2}, {"unakzeptab*", -2.2}, {"unzumutbar*", -2.2},
		{"*zumutung", -2.2}, {"ungenügend*", -1.5}, {"mangelhaft*", -1.5},
		{"mangel", -0.8}, {"mängel", -0.8}, {"fehlerhaft*", -1.0},
		{"fehler", -0.5}, {"fehlern", -0.5}, {"defekt*", -1.0},
		{"kaputt*", -1.5}, {"beschädig*", -1.0}, {"zerbrochen", -1.0},
		{"zerkratzt", -0.8}, {"verschmutzt", -0.8}, {"falsch*", -0.6},
		{"problem", -0.6}, {"probleme", -0.6}, {"problemen", -0.6},
		{"problematisch*", -0.8}, {"nervig*", -1.5},
		{"genervt", -1.8}, {"nervt", -1.8}, {"nervend", -1.5},
		{"frust", -1.5}, {"frustr*", -1.8}, {"unfreundlich*", -1.8},
		{"unhöflich*", -1.8}, {"inkompeten*", -2.0}, {"unfähig*", -2.0},
		{"unprofessionell*", -1.8}, {"unzuverlässig*", -1.5},
		{"unzufrieden*", -1.8}, {"langsam*", -0.8}, {"verspät*", -0.8},
		{"verzöger*", -0.6}, {"ewig", -0.8}, {"ewigkeit*", -1.0},
		{"endlos*", -0.8}, {"leider", -0.2}, {"bedauerlich*", -1.0},
		{"schade", -1.0}, {"traurig*", -1.2}, {"ignorier*", -1.3},
		{"hingehalten", -1.8}, {"vertröst*", -1.5}, {"dreck*", -2.0},
		{"mist", -1.5}, {"schrott*", -2.0}, {"scheiß*", -2.5},
		{"beschissen*", -2.5}, {"kacke", -2.0}, {"verdammt*", -1.8},
		{"witz", -1.0}, {"witzlos", -1.5}, {"verarsch*", -2.5},
		{"*verarsche", -2.5}, {"unseriös*", -2.0}, {"dreist*", -2.0},
		{"unterirdisch*", -2.2}, {"indiskutab*", -2.0}, {"desast*", -2.2},
		{"*chaos", -1.5}, {"chaotisch*", -1.5}, {"*desaster", -2.2},
		{"*skandal", -2.2}, {"*ärgernis", -1.5}, {"*schrott", -2.0}, {"*müll", -1.8},
		{"*pfusch", -2.0}, {"*albtraum", -2.2}, {"*betrüger", -2.5}, {"*verschwendung", -1.8},
		{"beschwer*", -1.0}, {"reklamation*", -0.5}, {"reklamier*", -0.5},
		{"fassungslos*", -2.0}, {"sprachlos", -1.0}, {"schockiert", -1.8},
		{"geschockt", -1.8}, {"albtraum*", -2.2}, {"alptraum*", -2.2},
		{"hölle", -2.0}, {"horror", -2.0}, {"lüg*", -2.0}, {"gelogen", -2.2},
		{"belogen", -2.2}, {"verlogen*", -2.2}, {"getäuscht", -1.8},
		{"irreführ*", -1.8}, {"respektlos*", -2.0}, {"arrogan*", -1.8},
		{"herablassend*", -1.8}, {"unverantwortlich*", -2.0},
		{"fahrlässig*", -1.5}, {"pfusch*", -2.0}, {"gepfuscht", -2.0},
		{"murks", -1.8}, {"stümper*", -2.0}, {"jämmerlich*", -2.0},
		{"erbärmlich*", -2.2}, {"armselig*", -2.0}, {"dilettant*", -2.0},
		{"unfassbar*", -1.5}, {"absurd*", -1.5}, {"unangenehm*", -1.0},
		{"unglücklich*", -1.5}, {"unfair*", -1.5}, {"unpünktlich*", -1.0},
		{"unvollständig*", -0.6}, {"fehlt", -0.4}, {"fehlen", -0.4},
		{"fehlende*", -0.4}, {"verloren", -0.6}, {"schaden", -0.8},
		{"schäden", -0.8}, {"negativ*", -0.8}, {"satt", -1.0},
		{"besorgt", -0.8}, {"verwirrt", -0.5}, {"verwirrend*", -0.8},
		{"unverständlich*", -1.0}, {"unnötig*", -0.8}, {"unbrauchbar*", -2.0},
		{"nutzlos*", -1.8}, {"sinnlos*", -1.5}, {"umständlich*", -1.0},
		{"kompliziert*", -0.6}, {"teuer", -0.5}, {"überteuert*", -1.5},
		{"wucher*", -2.2}, {"schäm*", -2.0}, {"schande", -2.0},
		{"servicewüste", -2.0}, {"mahnung*", -0.4}, {"rückbuchung", -0.8},
		{"absturz", -1.0}, {"abgestürzt", -1.0}, {"stürzt", -0.8},

		// threats to leave or to go to court
		{"kündige", -1.0}, {"kündigen", -0.6}, {"gekündigt", -0.6},
		{"kündigung", -0.4}, {"fristlos*", -1.0}, {"anwalt*", -1.5},
		{"anwält*", -1.5}, {"rechtsanw*", -1.5},
		{"verbraucherzentrale", -1.8}, {"verbraucherschutz*", -1.2},
		{"strafanzeige", -2.0}, {"polizei", -1.0}, {"gerichtlich*", -1.5},
		{"verklag*", -1.8}, {"klage", -1.2}, {"schlichtungsstelle", -1.2},
		{"konkurrenz", -0.4},

		// phrases
		{"vielen dank", 0.7}, {"herzlichen dank", 1.0},
		{"vielen herzlichen dank", 1.1}, {"tausend dank", 1.0},
		{"besten dank", 0.7}, {"lieben dank", 0.8}, {"großes lob", 2.0},
		{"weiter so", 1.5}, {"positiv überrascht", 1.8}, {"alles gut", 0.8},
		{"nichts auszusetzen", 1.0},
		{"nie wieder", -1.8}, {"nie mehr", -1.2}, {"zum letzten mal", -1.0},
		{"schon wieder", -0.8}, {"immer noch", -0.5}, {"noch immer", -0.5},
		{"wieder einmal", -0.6}, {"zum wiederholten mal", -1.2},
		{"zum wiederholten male", -1.2}, {"x mal", -0.8}, {"zigmal", -1.0},
		{"warte seit", -0.5}, {"warten seit", -0.5}, {"wartet seit", -0.5},
		{"seit wochen", -0.6}, {"seit monaten", -0.9}, {"seit tagen", -0.4},
		{"zu spät", -1.0}, {"zu teuer", -1.2}, {"zu lange", -0.8},
		{"rechtliche schritte", -2.0}, {"anzeige erstatten", -2.0},
		{"werde kündigen", -1.5}, {"werde ich kündigen", -1.5},
		{"zur konkurrenz", -1.0}, {"geld zurück", -0.8},
		{"mein geld zurück", -1.2}, {"na toll", -1.0}, {"na super", -1.0},
		{"na prima", -1.0}, {"na klasse", -1.0}, {"danke für nichts", -2.0},
		{"danke für gar nichts", -2.2}, {"vielen dank für nichts", -2.2},
		{"mir reicht es", -2.0}, {"mir reichts", -2.0}, {"mir reicht's", -2.0},
		{"es reicht", -1.5}, {"die nase voll", -2.0}, {"kein wunder", -0.5},
		{"zum dritten mal", -1.0}, {"zum vierten mal", -1.2},
		{"dauert ewig", -1.2}, {"ewig gedauert", -1.2},
		{"ein witz", -1.5}, {"das letzte", -1.5}, {"nicht zu fassen", -1.8},
	}
}

// englishTerms is the English sentiment vocabulary.
func englishTerms() []term {
	return []term{
		// praise and satisfaction
		{"love*", 1.8}, {"great", 1.5}, {"greatly", 1.0}, {"excellent*", 2.0},
		{"outstanding", 2.0}, {"exceptional*", 2.0}, {"superb*", 2.0},
		{"brilliant*", 2.0}, {"fantastic*", 2.0}, {"amazing*", 2.0},
		{"awesome*", 2.0}, {"wonderful*", 2.0}, {"perfect*", 1.8},
		{"helpful*", 1.5}, {"quick", 0.8}, {"quickly", 0.8}, {"quicker", 0.8},
		{"prompt", 0.8}, {"promptly", 0.8}, {"speedy", 1.0},
		{"efficient*", 1.2}, {"friendly", 1.2}, {"courteous*", 1.2},
		{"polite*", 1.0}, {"professional*", 1.0}, {"reliab*", 1.2},
		{"smooth*", 1.0}, {"easy", 0.8}, {"easily", 0.5}, {"happy", 1.5},
		{"happily", 0.8}, {"glad", 1.2}, {"pleased", 1.5},
		{"pleasant*", 1.2}, {"pleasure", 1.2}, {"satisf*", 1.5},
		{"delight*", 2.0}, {"thrill*", 2.0}, {"impress*", 1.8}, {"good", 1.2},
		{"nice", 1.2}, {"nicely", 1.0}, {"fine", 0.4}, {"recommend*", 1.3},
		{"best", 1.5}, {"better", 0.5}, {"solved", 1.0}, {"resolved", 1.0},
		{"fixed", 0.8}, {"sorted", 0.6}, {"worked", 0.5}, {"helped", 1.2},
		{"thanks", 0.5}, {"thank", 0.5}, {"thx", 0.4}, {"appreciat*", 1.0},
		{"grateful", 1.3}, {"thankful", 1.3}, {"kudos", 1.8}, {"yay", 1.5},
		{"terrific", 2.0}, {"fabulous", 2.0}, {"marvel*", 2.0},
		{"splendid", 1.8}, {"stellar", 2.0}, {"phenomenal*", 2.0},
		{"incredible", 1.5}, {"patient", 1.0}, {"patience", 0.3},
		{"accommodating", 1.3}, {"responsive", 1.0}, {"knowledgeable", 1.3},
		{"competent", 1.3}, {"attentive", 1.2}, {"seamless*", 1.3},
		{"flawless*", 1.5}, {"generous*", 1.3}, {"excited", 1.5},
		{"enjoy*", 1.2}, {"relieved", 1.0}, {"reassur*", 1.0},
		{"valuable", 1.0}, {"useful", 1.0}, {"convenient*", 0.8},
		{"beautiful*", 1.5}, {"gorgeous", 1.5}, {"lifesaver", 2.0},
		{"hero", 1.2}, {"legend", 1.0}, {"acceptable", 0.5},

		// disappointment, anger, outrage
		{"disappoint*", -1.8}, {"infuriat*", -2.5}, {"annoy*", -1.5},
		{"irritat*", -1.3}, {"incompeten*", -2.0}, {"unprofession*", -1.8},
		{"unaccept*", -2.2}, {"ridicul*", -1.8}, {"horribl*", -2.2},
		{"terribl*", -2.2}, {"awful*", -2.2}, {"dreadful*", -2.0},
		{"atrocious*", -2.2}, {"abysmal*", -2.2}, {"appall*", -2.2},
		{"pathetic*", -2.0}, {"disgust*", -2.2}, {"disgrace*", -2.2},
		{"outrag*", -2.2}, {"scam*", -2.5}, {"fraud*", -2.5}, {"cheat*", -2.0},
		{"mislead*", -1.8}, {"misled", -1.8}, {"useless", -2.0},
		{"worthless", -2.0}, {"unhelpful", -1.5}, {"inconvenien*", -0.8},
		{"complain*", -1.0}, {"unhapp*", -1.8}, {"dissatisf*", -1.8},
		{"unsatisf*", -1.5}, {"neglect*", -1.5}, {"ignored", -1.3},
		{"ignoring", -1.3}, {"ignorant", -1.8}, {"rude*", -1.8},
		{"disrespect*", -2.0}, {"insult*", -2.0}, {"lie", -1.8},
		{"lies", -1.8}, {"lied", -2.2}, {"lying", -2.0}, {"liar*", -2.5},
		{"steal*", -2.0}, {"stole*", -2.0}, {"theft", -2.0}, {"broken", -1.2},
		{"damaged", -1.0}, {"defect*", -1.2}, {"faulty", -1.0},
		{"fault", -0.8}, {"wrong", -0.8}, {"error", -0.4}, {"errors", -0.4},
		{"problems", -0.6}, {"problematic", -0.8}, {"issue", -0.3},
		{"issues", -0.3}, {"bug", -0.5}, {"bugs", -0.5}, {"fail", -1.2},
		{"failed", -1.2}, {"fails", -1.2}, {"failure*", -1.2},
		{"failing", -1.2}, {"mess", -1.5}, {"messed", -1.5},
		{"screwed", -2.0}, {"nightmare*", -2.2}, {"disaster*", -2.2},
		{"catastroph*", -2.5}, {"chaotic", -1.5}, {"waste", -1.5},
		{"wasted", -1.5}, {"hate*", -2.2}, {"hated", -2.0}, {"angr*", -2.0},
		{"furious*", -2.5}, {"livid", -2.5}, {"enrag*", -2.5},
		{"upset*", -1.5}, {"mad", -1.2}, {"pissed", -2.2}, {"shock*", -1.8},
		{"unbeliev*", -1.2}, {"insane*", -1.0}, {"nonsense", -1.5},
		{"bullshit", -2.5}, {"crap*", -2.0}, {"shit*", -2.5}, {"damn*", -1.5},
		{"wtf", -2.0}, {"ffs", -2.0}, {"garbage", -1.8}, {"rubbish", -1.8},
		{"trash*", -1.8}, {"junk", -1.8}, {"joke", -1.0}, {"poor", -1.2},
		{"poorly", -1.2}, {"bad", -1.5}, {"badly", -1.3}, {"worse", -1.8},
		{"worst", -2.5}, {"mediocre", -1.0}, {"subpar", -1.2},
		{"substandard", -1.5}, {"inferior", -1.2}, {"inadequate*", -1.5},
		{"slow", -0.8}, {"slowly", -0.8}, {"slower", -0.8}, {"late", -0.6},
		{"delay*", -0.6}, {"overpriced", -1.5}, {"overcharg*", -1.5},
		{"expensive", -0.5}, {"sad", -1.0}, {"sadly", -0.5},
		{"unfortunate*", -0.4}, {"regret*", -1.2}, {"worr*", -0.8},
		{"concern*", -0.4}, {"confus*", -0.6}, {"difficult", -0.5},
		{"hassle*", -1.2}, {"pain", -1.0}, {"embarrass*", -1.5},
		{"shame", -1.2}, {"shameful", -2.0}, {"shameless*", -2.0},
		{"ashamed", -1.5}, {"miserable", -2.0}, {"sucks", -2.0},
		{"suck", -1.8}, {"sucked", -2.0}, {"lousy", -2.0},
		{"horrendous*", -2.2}, {"horrific*", -2.2}, {"shoddy", -1.8},
		{"sloppy", -1.5}, {"careless*", -1.5}, {"negligen*", -1.8},
		{"unresponsive", -1.5}, {"misinform*", -1.5}, {"lack", -0.6},
		{"lacking", -0.6}, {"unfriendly", -1.8}, {"impolite", -1.5},
		{"inefficient*", -1.2}, {"unpleasant*", -1.2}, {"scandal*", -2.2},
		{"still", -0.3}, {"forever", -0.4}, {"ages", -0.5}, {"crash*", -1.0},

		// threats to leave or to go to court
		{"cancel", -0.6}, {"cancelled", -0.6}, {"canceled", -0.6},
		{"cancellation", -0.4}, {"lawyer*", -1.5}, {"attorney*", -1.5},
		{"sue", -1.5}, {"suing", -1.5}, {"lawsuit*", -2.0}, {"court", -0.8},
		{"chargeback*", -1.2}, {"bbb", -1.2}, {"ombudsman", -1.2},
		{"dispute", -0.6}, {"competitor*", -0.5},

		// phrases
		{"thank you so much", 1.0}, {"thank you very much", 0.9},
		{"thanks so much", 1.0}, {"thanks a lot", 0.9}, {"many thanks", 0.7},
		{"thanks a million", 1.2}, {"well done", 1.8}, {"good job", 1.8},
		{"great job", 2.0}, {"great work", 2.0},
		{"keep up the good work", 2.0}, {"top notch", 2.0},
		{"thumbs up", 1.5}, {"first class", 1.5}, {"second to none", 2.0},
		{"life saver", 2.0}, {"above and beyond", 2.0}, {"very kind", 1.2},
		{"so kind", 1.2}, {"five stars", 1.8}, {"5 stars", 1.8},
		{"5 star", 1.8},
		{"never again", -1.8}, {"rip off", -2.2}, {"ripoff", -2.2},
		{"ripped off", -2.2}, {"waste of time", -2.0},
		{"waste of money", -2.0}, {"fed up", -1.8}, {"sick of", -1.8},
		{"sick and tired", -2.0}, {"tired of", -1.5}, {"had enough", -1.8},
		{"enough is enough", -2.0}, {"no excuse", -1.5}, {"oh great", -0.8},
		{"yeah right", -0.8}, {"thanks for nothing", -2.0},
		{"thank you for nothing", -2.0}, {"still waiting", -1.2},
		{"yet again", -0.8}, {"once again", -0.4}, {"again and again", -1.0},
		{"over and over", -1.0}, {"for weeks", -0.6}, {"for months", -0.9},
		{"for days", -0.4}, {"too late", -1.0}, {"too long", -0.8},
		{"too expensive", -1.2}, {"took forever", -1.2},
		{"taking forever", -1.2}, {"cancel my account", -1.5},
		{"cancel my subscription", -1.5}, {"cancel my contract", -1.5},
		{"cancel my membership", -1.5}, {"cancel my order", -0.4},
		{"close my account", -1.2}, {"legal action", -2.0},
		{"small claims", -1.5}, {"better business bureau", -1.5},
		{"consumer protection", -1.2}, {"trading standards", -1.5},
		{"report you", -1.5}, {"money back", -0.8}, {"my money back", -1.2},
		{"one star", -1.5}, {"1 star", -1.5}, {"zero stars", -2.0},
		{"0 stars", -2.0}, {"a joke", -1.5}, {"third time", -0.8},
		{"fourth time", -1.0}, {"meh", -0.6},
	}
}

// negatedTerms gives the weight a term takes when it is negated, where the
// default (a flipped and damped weight, see doc.go) is wrong. Terms not in
// the sentiment lists are added with weight 0: they are neutral on their
// own and only negative when negated ("funktioniert nicht", "no reply").
func negatedTerms() []term {
	return []term{
		// German
		{"funktioniert", -1.0}, {"funktionieren", -1.0},
		{"funktionierte", -1.0}, {"klappt", -1.0}, {"geklappt", -1.0},
		{"geht", -0.8}, {"ging", -0.6}, {"läuft", -0.6}, {"mag", -1.0},
		{"geliefert", -0.4}, {"angekommen", -0.4}, {"erhalten", -0.4},
		{"bekommen", -0.4}, {"eingetroffen", -0.4}, {"zugestellt", -0.4},
		{"reagiert", -0.8}, {"geantwortet", -0.8}, {"antwort", -0.8},
		{"antworten", -0.6}, {"rückmeldung", -0.8}, {"reaktion", -0.8},
		{"hilfe", -0.8}, {"geholfen", -1.2}, {"erstattet", -0.8},
		{"erstattung", -0.6}, {"rückerstattung", -0.6}, {"gutschrift", -0.6},
		{"zurückgezahlt", -0.8}, {"bearbeitet", -0.6}, {"gelöst", -1.0},
		{"behoben", -1.0}, {"geklärt", -0.8}, {"erledigt", -0.8},
		{"akzeptabel", -2.0}, {"problem", 0.3}, {"probleme", 0.3},
		{"kümmert", -0.8},
		{"problemen", 0.3},
		// English
		{"work", -1.0}, {"works", -1.0}, {"working", -1.0}, {"worked", -1.0},
		{"arrived", -0.4}, {"received", -0.4}, {"delivered", -0.4},
		{"reply", -0.8}, {"replied", -0.8}, {"response", -0.8},
		{"responded", -0.8}, {"responding", -0.8}, {"replies", -0.8},
		{"responds", -0.8}, {"answer", -0.6},
		{"answered", -0.8}, {"heard", -0.6}, {"refund", -0.8},
		{"refunded", -0.8}, {"help", -0.8}, {"helped", -1.2},
		{"resolved", -1.0}, {"solved", -1.0}, {"fixed", -1.0}, {"like", -1.0},
		{"contacted", -0.5}, {"acceptable", -2.0}, {"problems", 0.3},
		{"care", -0.8}, {"cares", -0.8},
		{"issue", 0.2}, {"issues", 0.2},
	}
}

// negatorTerms are the negation cues of both languages. English "...n't"
// contractions are recognised by their ending and need no entry.
func negatorTerms() []negatorDef {
	return []negatorDef{
		{"nicht", 1, true, false}, {"nich", 1, true, false},
		{"kein", 1, false, false}, {"keine", 1, false, false},
		{"keinen", 1, false, false}, {"keinem", 1, false, false},
		{"keiner", 1, false, false}, {"keines", 1, false, false},
		{"keinerlei", 1.1, false, false}, {"nie", 1, true, true},
		{"niemals", 1.1, true, true}, {"noch nie", 1, true, true},
		{"nichts", 1, false, false}, {"nix", 1, false, false},
		{"niemand", 1, false, false}, {"nirgends", 1, false, false},
		{"nirgendwo", 1, false, false}, {"ohne", 1, false, false},
		{"kaum", 0.8, true, false}, {"wenig", 0.8, false, false},
		{"keineswegs", 1.2, true, false}, {"keinesfalls", 1.2, true, false},
		{"gar nicht", 1.3, true, false}, {"überhaupt nicht", 1.3, true, false},
		{"gar kein", 1.3, false, false}, {"gar keine", 1.3, false, false},
		{"gar keinen", 1.3, false, false}, {"überhaupt kein", 1.3, false, false},
		{"überhaupt keine", 1.3, false, false},
		{"überhaupt keinen", 1.3, false, false},
		{"auf keinen fall", 1.3, false, false},
		{"in keinster weise", 1.3, false, false},
		{"noch nicht", 1, true, false}, {"nicht mehr", 1, true, false},
		{"not", 1, false, false}, {"no", 1, false, false},
		{"never", 1, false, true}, {"nothing", 1, false, false},
		{"nobody", 1, false, false}, {"none", 1, false, false},
		{"nowhere", 1, false, false}, {"neither", 1, false, false},
		{"nor", 1, false, false}, {"without", 1, false, false},
		{"hardly", 0.8, false, false}, {"barely", 0.8, false, false},
		{"cannot", 1, false, false}, {"cant", 1, false, false},
		{"dont", 1, false, false}, {"doesnt", 1, false, false},
		{"didnt", 1, false, false}, {"isnt", 1, false, false},
		{"wasnt", 1, false, false}, {"arent", 1, false, false},
		{"werent", 1, false, false}, {"wont", 1, false, false},
		{"wouldnt", 1, false, false}, {"couldnt", 1, false, false},
		{"shouldnt", 1, false, false}, {"havent", 1, false, false},
		{"hasnt", 1, false, false}, {"hadnt", 1, false, false},
		{"aint", 1, false, false}, {"not at all", 1.3, false, false},
		{"by no means", 1.3, false, false}, {"not even", 1.2, false, false},
		{"no longer", 1, false, false}, {"no one", 1, false, false},
		{"not yet", 1, false, false},
	}
}

// modifierTerms are intensifiers (multiplier > 1) and downtoners (< 1).
// They scale the next sentiment term within two words.
func modifierTerms() []term {
	return []term{
		{"sehr", 1.4}, {"total", 1.5}, {"völlig", 1.5}, {"komplett", 1.4},
		{"absolut", 1.5}, {"extrem", 1.6}, {"äußerst", 1.6},
		{"außerordentlich", 1.5}, {"echt", 1.3}, {"wirklich", 1.3},
		{"so", 1.3}, {"mega", 1.5}, {"ultra", 1.4}, {"voll", 1.3},
		{"richtig", 1.3}, {"ziemlich", 1.2}, {"besonders", 1.3},
		{"höchst", 1.5}, {"unglaublich", 1.5}, {"unheimlich", 1.4},
		{"enorm", 1.4}, {"derart", 1.5}, {"dermaßen", 1.5},
		{"zutiefst", 1.6}, {"ganz", 1.2}, {"überaus", 1.5},
		{"ausgesprochen", 1.3}, {"wahnsinnig", 1.5}, {"krass", 1.3},
		{"so sehr", 1.5}, {"sowas von", 1.5}, {"solch", 1.3}, {"solche", 1.3},
		{"solchen", 1.3}, {"solcher", 1.3}, {"solches", 1.3},
		{"very", 1.4}, {"really", 1.3}, {"totally", 1.5}, {"completely", 1.4},
		{"absolutely", 1.5}, {"extremely", 1.6}, {"such", 1.3},
		{"particularly", 1.3}, {"especially", 1.3}, {"highly", 1.4},
		{"incredibly", 1.5}, {"unbelievably", 1.5}, {"hugely", 1.4},
		{"deeply", 1.5}, {"utterly", 1.6}, {"truly", 1.3},
		{"seriously", 1.3}, {"quite", 1.2}, {"pretty", 1.2},
		{"super duper", 1.5}, {"exceptionally", 1.5}, {"amazingly", 1.5},
		// adjective forms in front of a noun ("absolute Frechheit")
		{"absolute", 1.5}, {"absoluter", 1.5}, {"absolutes", 1.5},
		{"totale", 1.5}, {"totaler", 1.5}, {"völlige", 1.5},
		{"völliger", 1.5}, {"komplette", 1.4}, {"echte", 1.3},
		{"echter", 1.3}, {"echtes", 1.3}, {"riesige", 1.4},
		{"riesiger", 1.4}, {"complete", 1.4}, {"utter", 1.6}, {"real", 1.2},
		// downtoners
		{"etwas", 0.6}, {"ein bisschen", 0.6}, {"bisschen", 0.6},
		{"bissl", 0.6}, {"ein wenig", 0.6}, {"leicht", 0.7}, {"eher", 0.8},
		{"halbwegs", 0.6}, {"einigermaßen", 0.6}, {"relativ", 0.8},
		{"teilweise", 0.7}, {"slightly", 0.6}, {"a bit", 0.6},
		{"a little", 0.6}, {"a little bit", 0.5}, {"somewhat", 0.7},
		{"kind of", 0.7}, {"sort of", 0.7}, {"fairly", 0.9}, {"mildly", 0.6},
		{"partly", 0.7}, {"partially", 0.7},
	}
}

// emphasisTerms are modifiers that, right after "nie"/"never", turn the
// negation into emphasis: "noch nie so enttäuscht", "never such bad
// service". Each must also be in modifierTerms.
func emphasisTerms() []string {
	return []string{
		"so", "such", "derart", "dermaßen", "solch", "solche", "solchen",
		"solcher", "solches",
	}
}

// postModifierTerms strengthen the sentiment term just before them
// ("not bad at all", "no help whatsoever").
func postModifierTerms() []term {
	return []term{{"at all", 1.3}, {"whatsoever", 1.3}, {"in any way", 1.2}}
}

// contrastTerms end a negation and weigh what follows them higher
// ("schnell geliefert, aber kaputt").
func contrastTerms() []string {
	return []string{
		"aber", "jedoch", "allerdings", "dennoch", "trotzdem", "sondern",
		"obwohl", "nichtsdestotrotz", "but", "however", "although", "though",
		"nevertheless", "nonetheless",
	}
}

// irrealisTerms mark requests, wishes and conditions. Positive terms in the
// rest of such a clause count little: "wäre toll, wenn", "please respond
// quickly", "I would appreciate" are polite, not praise.
func irrealisTerms() []string {
	return []string{
		"wäre", "wären", "wär", "würde", "würden", "würdest", "würdet",
		"hätte", "hätten", "könnte", "könnten", "möchte", "möchten",
		"sollte", "sollten", "wenn", "falls", "sofern", "ob", "bitte", "hoffe",
		"hoffen", "hoffentlich", "wünsche", "wünschen", "would", "could",
		"should", "might", "if", "whether", "please", "pls", "plz", "hope",
		"hoping", "hopefully", "wish", "want", "need", "i'd", "we'd",
		"you'd",
	}
}

// politeTerms are formulas that carry no sentiment. They are matched as
// whole phrases and so hide the words inside them ("freundlichen",
// "Dank", "best", "kind") from the sentiment lists.
func politeTerms() []string {
	return []string{
		"mit freundlichen grüßen", "mit freundlichem gruß",
		"freundliche grüße", "freundlichen grüßen", "freundlichem gruß",
		"freundlicher gruß", "mit besten grüßen", "beste grüße",
		"besten gruß", "herzliche grüße", "herzlichen gruß",
		"mit herzlichen grüßen", "schöne grüße", "schönen gruß",
		"freundlichst", "vielen dank im voraus", "danke im voraus",
		"besten dank im voraus", "herzlichen dank im voraus",
		"dank im voraus", "vielen dank vorab", "danke vorab",
		"vielen dank schon mal", "danke schon mal", "danke schonmal",
		"guten tag", "guten morgen", "guten abend", "einen schönen tag",
		"schönen tag noch", "schönen tag", "schönes wochenende",
		"schönen abend", "alles gute", "freue mich auf", "freuen mich auf",
		"freuen uns auf", "danke für ihr verständnis",
		"vielen dank für ihr verständnis", "am besten",
		"so schnell wie möglich", "möglichst schnell", "schnellstmöglich",
		"nicht nur", "nicht wahr",
		"kind regards", "kindest regards", "best regards", "warm regards",
		"warmest regards", "best wishes", "all the best",
		"thanks in advance", "thank you in advance",
		"many thanks in advance", "thanks in advance for your help",
		"have a nice day", "have a great day", "have a good day",
		"have a nice weekend", "have a great weekend", "good morning",
		"good afternoon", "good evening", "good day",
		"thank you for your time", "thanks for your time",
		"thank you for your understanding", "thank you for your patience",
		"sorry for the inconvenience", "apologies for the inconvenience",
		"happy holidays", "happy new year", "happy easter",
		"as quickly as possible", "not only", "no matter", "quick question",
	}
}

// emoticonWeights are ASCII emoticons. A repeated last character
// (":)))", ":DDD") is part of the match.
func emoticonWeights() map[string]float64 {
	return map[string]float64{
		":)": 1.0, ":-)": 1.0, "=)": 1.0, ":]": 0.8, ":-]": 0.8,
		":D": 1.2, ":-D": 1.2, "=D": 1.2, ";)": 0.6, ";-)": 0.6, ";D": 0.8,
		":P": 0.4, ":p": 0.4, ":-P": 0.4, ":-p": 0.4, ":*": 0.8, ":-*": 0.8,
		"<3": 1.2, "^^": 0.6, "^_^": 0.8,
		":(": -1.0, ":-(": -1.0, "=(": -1.0, ":[": -0.8, ":-[": -0.8,
		":'(": -1.5, ":'-(": -1.5, ":/": -0.6, ":-/": -0.6, ":\\": -0.6,
		":-\\": -0.6, ":|": -0.3, ":-|": -0.3, ":@": -1.8, ">:(": -1.8,
		">:-(": -1.8, "</3": -1.2, "-.-": -0.8, "-_-": -0.8,
	}
}

// emojiWeights are single emoji code points. Variation selectors and skin
// tone modifiers around them are ignored.
func emojiWeights() map[rune]float64 {
	return map[rune]float64{
		'😀': 1.2, '😃': 1.2, '😄': 1.2, '😁': 1.2, '😆': 1.0, '😊': 1.2,
		'🙂': 0.8, '😉': 0.6, '😍': 1.8, '🥰': 1.8, '😘': 1.2, '🤗': 1.2,
		'😂': 0.6, '🤣': 0.6, '👍': 1.2, '👌': 1.0, '👏': 1.2, '🙌': 1.2,
		'🙏': 0.5, '❤': 1.5, '♥': 1.5, '💕': 1.5, '💖': 1.5, '💙': 1.3,
		'💚': 1.3, '💯': 1.0, '🎉': 1.2, '🥳': 1.2, '😎': 0.8, '🤩': 1.8,
		'😇': 1.0, '☺': 1.0, '✨': 0.5,
		'😞': -1.2, '😔': -1.0, '😟': -1.0, '🙁': -1.0, '☹': -1.0,
		'😕': -0.8, '😢': -1.2, '😭': -1.5, '😩': -1.5, '😫': -1.5,
		'😖': -1.3, '😣': -1.2, '😤': -1.8, '😠': -2.0, '😡': -2.2,
		'🤬': -2.5, '👎': -1.5, '🙄': -1.2, '😒': -1.2, '💩': -2.0,
		'🤮': -2.0, '🤢': -1.5, '😱': -1.2, '😨': -1.0, '😰': -1.0,
		'💔': -1.5, '😐': -0.3, '😑': -0.5, '🤦': -1.2, '🤷': -0.3,
		'😬': -0.5, '🤯': -1.0, '😾': -1.5,
	}
}

// acronymTerms are upper-case words of four or more letters that are names,
// not shouting.
func acronymTerms() []string {
	return []string{
		"iban", "sepa", "gmbh", "html", "http", "https", "json", "asap",
		"imho", "bafin", "schufa", "dsgvo", "gdpr", "ebay", "paypal",
	}
}

// buildIssue is a problem found in the hand-written lists while building.
type buildIssue string

// New returns the built-in German and English lexicon. It builds all maps
// once; the result is read-only and safe for concurrent use.
func New() *Lexicon {
	l, _ := build()
	return l
}

// build compiles the lists into a Lexicon and reports duplicate or
// malformed terms (tests require there are none).
func build() (*Lexicon, []buildIssue) {
	l := &Lexicon{
		words:     make(map[string]*wordInfo, 1500),
		stems:     make(map[string][]affix, 400),
		heads:     make(map[string][]affix, 32),
		emoticons: emoticonWeights(),
		emoji:     emojiWeights(),
		acronyms:  make(map[string]bool),
		nt:        &entry{kind: kindNegator, w: 1},
	}
	for k := range l.emoticons {
		l.maxEmoticon = max(l.maxEmoticon, len(k))
	}
	for _, a := range acronymTerms() {
		l.acronyms[a] = true
	}

	b := builder{l: l, seen: make(map[string]*entry)}
	for _, t := range germanTerms() {
		b.add(t.t, &entry{kind: kindSentiment, w: t.w})
	}
	for _, t := range englishTerms() {
		b.add(t.t, &entry{kind: kindSentiment, w: t.w})
	}
	for _, t := range negatedTerms() {
		e := b.seen[b.key(t.t)]
		if e == nil {
			e = &entry{kind: kindSentiment}
			b.add(t.t, e)
		}
		if e.hasNeg {
			b.issue("negated weight given twice: " + t.t)
		}
		e.neg, e.hasNeg = t.w, true
	}
	for _, n := range negatorTerms() {
		b.add(n.t, &entry{kind: kindNegator, w: n.strength, retro: n.retro, never: n.never})
	}
	for _, t := range modifierTerms() {
		b.add(t.t, &entry{kind: kindModifier, w: t.w})
	}
	for _, t := range emphasisTerms() {
		if e := b.seen[b.key(t)]; e != nil && e.kind == kindModifier {
			e.emphasis = true
		} else {
			b.issue("emphasis term is not a modifier: " + t)
		}
	}
	for _, t := range postModifierTerms() {
		b.add(t.t, &entry{kind: kindPostModifier, w: t.w})
	}
	for _, t := range contrastTerms() {
		b.add(t, &entry{kind: kindContrast})
	}
	for _, t := range irrealisTerms() {
		b.add(t, &entry{kind: kindIrrealis})
	}
	for _, t := range politeTerms() {
		b.add(t, &entry{kind: kindPolite})
	}

	for _, wi := range l.words {
		sort.SliceStable(wi.phrases, func(i, j int) bool {
			return len(wi.phrases[i].rest) > len(wi.phrases[j].rest)
		})
	}
	for _, m := range []map[string][]affix{l.stems, l.heads} {
		for _, as := range m {
			sort.SliceStable(as, func(i, j int) bool { return len(as[i].s) > len(as[j].s) })
		}
	}
	return l, b.issues
}

// builder collects entries into a Lexicon under construction.
type builder struct {
	l      *Lexicon
	seen   map[string]*entry
	issues []buildIssue
}

func (b *builder) issue(s string) { b.issues = append(b.issues, buildIssue(s)) }

// fold splits a lexicon term into folded tokens exactly as text is split.
func (b *builder) fold(s string) []string {
	var out []string
	for _, t := range b.l.tokenize(s) {
		if t.kind == tkWord {
			out = append(out, t.norm)
		}
	}
	return out
}

// key identifies a term after folding, so that "grüße" and "gruesse" or a
// stem listed twice are caught as duplicates.
func (b *builder) key(raw string) string {
	switch {
	case strings.HasSuffix(raw, "*"):
		return "stem:" + strings.Join(b.fold(strings.TrimSuffix(raw, "*")), " ")
	case strings.HasPrefix(raw, "*"):
		return "head:" + strings.Join(b.fold(strings.TrimPrefix(raw, "*")), " ")
	default:
		return "term:" + strings.Join(b.fold(raw), " ")
	}
}

func (b *builder) add(raw string, e *entry) {
	k := b.key(raw)
	if _, dup := b.seen[k]; dup {
		b.issue("duplicate term: " + raw)
		return
	}
	b.seen[k] = e
	l := b.l
	switch {
	case strings.HasSuffix(raw, "*"):
		f := b.fold(strings.TrimSuffix(raw, "*"))
		if len(f) != 1 || len(f[0]) < stemKey {
			b.issue("stem must be one word of at least 4 bytes: " + raw)
			return
		}
		s := f[0]
		l.stems[s[:stemKey]] = append(l.stems[s[:stemKey]], affix{s: s, e: e})
	case strings.HasPrefix(raw, "*"):
		f := b.fold(strings.TrimPrefix(raw, "*"))
		if len(f) != 1 || len(f[0]) < minHead {
			b.issue("compound head must be one word of at least 5 bytes: " + raw)
			return
		}
		s := f[0]
		l.heads[s[len(s)-stemKey:]] = append(l.heads[s[len(s)-stemKey:]], affix{s: s, e: e})
		b.word(s).e = e
	default:
		f := b.fold(raw)
		switch len(f) {
		case 0:
			b.issue("term has no word: " + raw)
		case 1:
			wi := b.word(f[0])
			if wi.e != nil {
				b.issue("word listed twice after folding: " + raw)
				return
			}
			wi.e = e
		default:
			wi := b.word(f[0])
			wi.phrases = append(wi.phrases, phrase{rest: f[1:], e: e})
		}
	}
}

func (b *builder) word(norm string) *wordInfo {
	wi := b.l.words[norm]
	if wi == nil {
		wi = &wordInfo{}
		b.l.words[norm] = wi
	}
	return wi
}

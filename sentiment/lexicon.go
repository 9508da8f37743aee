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
	"slices"
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
		{"zornig*", -2.2}, {"sauer", -0.8}, {"stinksauer", -2.5},
		{"abzock*", -2.5}, {"*abzocke", -2.5}, {"abgezockt", -2.5},
		{"betrug", -2.5}, {"*betrug", -2.5}, {"betrüg*", -2.5},
		{"betrogen", -2.2}, {"unmöglich*", -1.8}, {"miserab*", -2.2},
		{"mies*", -1.8}, {"schlecht*", -1.5}, {"schlimm*", -1.5},
		{"furchtbar*", -2.0}, {"schrecklich*", -2.0}, {"grauenhaft*", -2.2},
		{"grauenvoll*", -2.2}, {"entsetz*", -2.0}, {"empör*", -2.0},
		{"skandal*", -2.2}, {"lächerlich*", -1.8}, {"peinlich*", -1.5},
		{"inakzeptab*", -2.2}, {"unakzeptab*", -2.2}, {"unzumutbar*", -2.2},
		{"*zumutung", -2.2}, {"ungenügend*", -1.5}, {"mangelhaft*", -1.5},
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
		{"beschwer*", -1.0},
		{"fassungslos*", -2.0}, {"sprachlos", -1.0}, {"schockiert", -1.8},
		{"geschockt", -1.8}, {"albtraum*", -2.2}, {"alptraum*", -2.2},
		{"hölle", -2.0}, {"horror", -2.0}, {"lüg*", -2.0}, {"gelogen", -2.2},
		{"belogen", -2.2}, {"verlogen*", -2.2}, {"getäuscht", -1.8},
		{"irreführ*", -1.8}, {"respektlos*", -2.0}, {"arrogan*", -1.8},
		{"herablassend*", -1.8}, {"unverantwortlich*", -2.0},
		{"idiot*", -2.2}, {"*idiot", -2.2}, {"trottel*", -2.0},
		{"deppen", -2.0}, {"saftladen", -2.0}, {"unding", -1.5},
		{"verbrecher*", -2.2}, {"halsabschneider*", -2.0},
		{"fahrlässig*", -1.5}, {"pfusch*", -2.0}, {"gepfuscht", -2.0},
		{"murks", -1.8}, {"stümper*", -2.0}, {"jämmerlich*", -2.0},
		{"erbärmlich*", -2.2}, {"armselig*", -2.0}, {"dilettant*", -2.0},
		{"unfassbar*", -1.5}, {"absurd*", -1.5}, {"unangenehm*", -1.0},
		{"unglücklich*", -1.5}, {"unfair*", -1.5}, {"unpünktlich*", -1.0},
		{"negativ*", -0.8}, {"satt", -1.0},
		{"besorgt", -0.8}, {"verwirrt", -0.5}, {"verwirrend*", -0.8},
		{"unverständlich*", -1.0}, {"unnötig*", -0.8}, {"unbrauchbar*", -2.0},
		{"nutzlos*", -1.8}, {"sinnlos*", -1.5}, {"umständlich*", -1.0},
		{"kompliziert*", -0.6}, {"teuer", -0.5}, {"überteuert*", -1.5},
		{"wucher*", -2.2}, {"schäm*", -2.0}, {"schande", -2.0},
		{"servicewüste", -2.0},

		// What went wrong, said as a fact (defekt, kaputt, beschädigt,
		// falsch, Fehler, Problem, Mängel, fehlt, Reklamation, Mahnung),
		// and cancelling (kündigen, Kündigung) are requests, not feelings:
		// they are not listed. See leaveTerms and negatedTerms.

		// threats to go to court or to the competition (cancelling itself
		// is a request: see leaveTerms)
		{"anwalt*", -1.5},
		{"anwält*", -1.5}, {"rechtsanw*", -1.5},
		{"verbraucherzentrale", -1.8}, {"verbraucherschutz*", -1.2},
		{"strafanzeige", -2.0}, {"polizei", -1.0}, {"gerichtlich*", -1.5},
		{"verklag*", -1.8}, {"klage", -1.2}, {"schlichtungsstelle", -1.2},
		{"konkurrenz", -0.4}, {"bundesnetzagentur", -1.2},
		{"sammelklage", -1.8}, {"einklag*", -1.8}, {"abmahnung", -1.0},

		// phrases
		{"vielen dank", 0.7}, {"herzlichen dank", 1.0},
		{"vielen herzlichen dank", 1.1}, {"tausend dank", 1.0},
		{"besten dank", 0.7}, {"lieben dank", 0.8}, {"großes lob", 2.0},
		{"weiter so", 1.5}, {"positiv überrascht", 1.8}, {"alles gut", 0.8},
		{"nichts auszusetzen", 1.0},
		{"nie wieder", -1.8}, {"nie mehr", -1.2}, {"zum letzten mal", -1.0},
		{"schon wieder", -0.8}, {"immer noch", -0.6}, {"noch immer", -0.6},
		{"wieder einmal", -0.6}, {"zum wiederholten mal", -1.2},
		{"zum wiederholten male", -1.2}, {"x mal", -0.8}, {"zigmal", -1.0},
		{"warte seit", -0.5}, {"warten seit", -0.5}, {"wartet seit", -0.5},
		{"seit wochen", -0.6}, {"seit monaten", -0.9}, {"seit tagen", -0.4},
		{"zu spät", -1.0}, {"zu teuer", -1.2}, {"zu lange", -0.8},
		{"rechtliche schritte", -2.0}, {"anzeige erstatten", -2.0},
		{"zur konkurrenz", -1.0}, {"na toll", -1.0}, {"na super", -1.0},
		{"na prima", -1.0}, {"na klasse", -1.0}, {"danke für nichts", -2.0},
		{"danke für gar nichts", -2.2}, {"vielen dank für nichts", -2.2},
		{"danke für nix", -2.0}, {"geht gar nicht", -1.5}, {"geht garnicht", -1.5},
		{"geht überhaupt nicht", -1.5},
		{"mir reicht es", -2.0}, {"mir reichts", -2.0}, {"mir reicht's", -2.0},
		{"es reicht", -1.5}, {"die nase voll", -2.0}, {"kein wunder", -0.5},
		{"zum dritten mal", -1.0}, {"zum vierten mal", -1.2},
		{"zum fünften mal", -1.2}, {"zum x ten mal", -1.2},
		{"zum zigsten mal", -1.2}, {"wie oft noch", -1.0},
		{"wie oft denn noch", -1.0}, {"schnauze voll", -2.0},
		{"geduld ist am ende", -1.5}, {"letzte chance", -0.8},
		{"letzte warnung", -1.0}, {"vor gericht", -1.5},
		{"juristische schritte", -2.0}, {"rechtlich vorgehen", -1.5},
		{"ans gericht", -1.5}, {"zum gericht", -1.5},
		{"rechtliche konsequenzen", -1.5}, {"öffentlich machen", -1.0},
		{"negative bewertung", -1.0}, {"schlechte bewertung", -1.0},
		{"dauert ewig", -1.2}, {"ewig gedauert", -1.2},
		{"ein witz", -1.5}, {"das letzte", -1.5}, {"nicht zu fassen", -1.8},
		{"bin sauer", -1.8},

		// complaints about waiting and being put off
		{"warte", -0.3}, {"warteschleife", -0.8}, {"aufgelegt", -0.8}, {"vergeblich*", -1.0},
		{"im stich gelassen", -1.8}, {"hängen gelassen", -1.5},
		{"ruiniert", -1.8}, {"verpasst", -0.6},
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
		{"steal*", -2.0}, {"stole*", -2.0}, {"theft", -2.0},
		{"thieves", -2.0}, {"crooks", -2.0}, {"moron*", -2.2},
		{"clowns", -1.5}, {"fuck*", -2.5}, {"irate", -2.0}, {"fuming", -2.0},
		{"problematic", -0.8}, {"fail", -1.2}, {"fails", -1.2},
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
		{"still", -0.3}, {"forever", -0.4}, {"ages", -0.5},

		// What went wrong, said as a fact (broken, damaged, faulty, wrong,
		// error, problem, failed) is not listed (see the German list).
		// Something the company cancelled ("my flight was cancelled") is
		// an event that happened to the customer and keeps a little
		// weight; the customer's own cancelling has none (see leaveTerms
		// and factTerms).
		{"cancelled", -0.6}, {"canceled", -0.6}, {"unfortunately", -0.1},

		// threats to go to court or to the competition
		{"lawyer*", -1.5}, {"attorney*", -1.5}, {"solicitor*", -1.5},
		{"suing", -1.5}, {"lawsuit*", -2.0},
		{"chargeback*", -1.2}, {"bbb", -1.2}, {"ombudsman", -1.2},
		{"competitor*", -0.5},

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
		{"taking forever", -1.2}, {"legal action", -2.0},
		{"legal steps", -2.0}, {"legal proceedings", -2.0},
		{"class action", -2.0}, {"see you in court", -2.0}, {"to court", -1.5},
		{"in court", -1.5}, {"court action", -1.5},
		{"take you to court", -2.0}, {"kidding me", -1.2},
		{"sue you", -1.5}, {"sue your", -1.5}, {"sue them", -1.5},
		{"will sue", -1.5}, {"i'll sue", -1.5}, {"gonna sue", -1.5},
		{"going to sue", -1.5}, {"i'm mad", -1.5},
		{"how dare", -2.0}, {"last chance", -0.8}, {"final warning", -1.0},
		{"or else", -1.0}, {"for the third time", -1.2},
		{"fifth time", -1.2}, {"how many times", -1.0},
		{"bad review", -1.0}, {"negative review", -1.0},
		{"take my business elsewhere", -1.5}, {"i'm done", -1.2},
		{"im done", -1.2}, {"on hold", -0.5}, {"for hours", -0.5},
		{"in a row", -0.5},

		// complaints about waiting and being let down
		{"ruin*", -1.5}, {"exasperat*", -1.8}, {"dislike*", -1.2},
		{"stranded", -1.2}, {"stuck", -0.5}, {"crazy", -1.0},
		{"waited", -0.5}, {"waiting", -0.3}, {"been waiting", -0.8},
		{"hung up", -1.0}, {"missed my", -0.8}, {"miss my", -0.6},
		{"small claims", -1.5}, {"better business bureau", -1.5},
		{"consumer protection", -1.2}, {"trading standards", -1.5},
		{"report you", -1.5},
		{"one star", -1.5}, {"1 star", -1.5}, {"zero stars", -2.0},
		{"0 stars", -2.0}, {"a joke", -1.5}, {"third time", -0.8},
		{"fourth time", -1.0}, {"meh", -0.6},
	}
}

// angerTerm is a cue for Anger: a term, its weight on the anger scale
// (1 alone makes a text angry) and what kind of cue it is.
type angerTerm struct {
	t   string
	w   float64
	cat angerCat
}

// angerTerms are the cues of anger and threats, German and English in one
// list by kind. A term that is also in the sentiment lists keeps its
// sentiment weight there; a term that is not is neutral for Predict.
// Scale: 1 alone makes a text angry (a legal step, an insult, an outburst);
// 0.4–0.8 needs company (a second cue, capitals, "!!!"); below that a hint.
func angerTerms() []angerTerm {
	return slices.Concat(
		// The customer says it: angry, furious. "Verärgert" or "angry"
		// alone is angry, "etwas verärgert" is not, "nicht verärgert" is
		// not at all.
		angerCues(catFeeling,
			term{"wütend*", 1.2}, term{"wut", 1.0}, term{"stinkwütend*", 1.5},
			term{"zornig*", 1.2}, term{"sauer", 0.8}, term{"bin sauer", 1.0},
			term{"stinksauer", 1.5},
			term{"verärger*", 1.0}, term{"empör*", 1.2}, term{"ärger*", 0.4},
			term{"genervt", 0.6}, term{"nervt", 0.6},
			term{"angr*", 1.0}, term{"furious*", 1.3}, term{"livid", 1.3},
			term{"enrag*", 1.3}, term{"infuriat*", 1.2}, term{"fuming", 1.2},
			term{"irate", 1.2}, term{"pissed", 1.2}, term{"mad", 0.6},
			term{"i'm mad", 1.0},
			term{"outrag*", 1.2}, term{"annoy*", 0.4}),
		// Outrage at what happened: "Frechheit", "unacceptable", "a joke".
		angerCues(catOutrage,
			term{"unverschämt*", 1.2}, term{"*unverschämtheit", 1.2},
			term{"*frechheit", 1.2}, term{"frech", 0.8}, term{"freche", 0.8},
			term{"frechen", 0.8}, term{"*sauerei", 1.2}, term{"*schweinerei", 1.2},
			term{"abzock*", 1.2}, term{"*abzocke", 1.2}, term{"abgezockt", 1.2},
			term{"verarsch*", 1.2}, term{"*verarsche", 1.2}, term{"*zumutung", 1.0},
			term{"unzumutbar*", 1.0}, term{"inakzeptab*", 1.0}, term{"unakzeptab*", 1.0},
			term{"skandal*", 1.0}, term{"*skandal", 1.0}, term{"lächerlich*", 0.8},
			term{"dreist*", 1.0}, term{"respektlos*", 0.8}, term{"unding", 1.0},
			term{"unverantwortlich*", 0.6}, term{"unseriös*", 0.6},
			term{"betrug", 0.8}, term{"*betrug", 0.8}, term{"betrüg*", 0.8},
			term{"betrogen", 0.8}, term{"lüg*", 0.8}, term{"gelogen", 0.8},
			term{"belogen", 0.8}, term{"verlogen*", 0.8}, term{"fassungslos*", 0.6},
			term{"witz", 0.5}, term{"ein witz", 1.0}, term{"das letzte", 1.0},
			term{"nicht zu fassen", 0.8}, term{"es reicht", 1.0},
			term{"mir reicht es", 1.0}, term{"mir reichts", 1.0}, term{"mir reicht's", 1.0},
			term{"die nase voll", 1.0}, term{"schnauze voll", 1.2},
			term{"geduld ist am ende", 1.0}, term{"geht gar nicht", 0.6},
			term{"geht garnicht", 0.6}, term{"geht überhaupt nicht", 0.6}, term{"katastroph*", 0.4},
			term{"*katastrophe", 0.4}, term{"miserab*", 0.4}, term{"unterirdisch*", 0.5},
			term{"erbärmlich*", 0.6}, term{"jämmerlich*", 0.5}, term{"armselig*", 0.5},
			term{"servicewüste", 0.4},
			term{"unaccept*", 1.0}, term{"ridicul*", 1.0}, term{"disgrace*", 1.0},
			term{"disgust*", 1.0}, term{"appall*", 1.0}, term{"scandal*", 1.0},
			term{"scam*", 1.2}, term{"rip off", 1.0}, term{"ripoff", 1.0},
			term{"ripped off", 1.0}, term{"joke", 0.5}, term{"a joke", 1.0},
			term{"kidding me", 1.0}, term{"how dare", 1.2}, term{"enough is enough", 1.0},
			term{"fed up", 0.8}, term{"sick and tired", 1.0}, term{"sick of", 0.8},
			term{"had enough", 0.8}, term{"i'm done", 0.8}, term{"im done", 0.8},
			term{"shameful", 1.0}, term{"shameless*", 1.0}, term{"pathetic*", 1.0},
			term{"absurd*", 0.6}, term{"unbeliev*", 0.5}, term{"nonsense", 0.6},
			term{"lied", 1.0}, term{"liar*", 1.2}, term{"lying", 0.8},
			term{"lies", 0.8}, term{"cheat*", 0.8}, term{"steal*", 0.8},
			term{"stole*", 0.8}, term{"thieves", 1.2}, term{"crooks", 1.2},
			term{"fraud*", 0.6}, term{"worst", 0.5}, term{"terribl*", 0.4},
			term{"horribl*", 0.4}, term{"awful*", 0.4}, term{"atrocious*", 0.6},
			term{"abysmal*", 0.6}, term{"no excuse", 0.6}),
		// Insults.
		angerCues(catInsult,
			term{"idiot*", 1.5}, term{"*idiot", 1.5}, term{"trottel*", 1.2},
			term{"deppen", 1.2}, term{"saftladen", 1.2}, term{"verbrecher*", 1.2},
			term{"halsabschneider*", 1.2}, term{"*betrüger", 1.2},
			term{"unfähig*", 0.8}, term{"inkompeten*", 0.8}, term{"stümper*", 0.8},
			term{"dilettant*", 0.8}, term{"dreck*", 0.6},
			term{"moron*", 1.5}, term{"clowns", 1.0}, term{"incompeten*", 0.8},
			term{"useless", 0.6}),
		// Swearing.
		angerCues(catSwear,
			term{"scheiß*", 1.2}, term{"beschissen*", 1.2}, term{"verdammt*", 0.8},
			term{"kacke", 1.0}, term{"mist", 0.4},
			term{"fuck*", 1.5}, term{"shit*", 1.2}, term{"bullshit", 1.2},
			term{"crap*", 0.8}, term{"damn*", 0.6}, term{"wtf", 1.0}, term{"ffs", 1.0}),
		// Writing again about the same thing.
		angerCues(catRepeat,
			term{"zum zweiten mal", 0.5}, term{"zum dritten mal", 1.0},
			term{"zum vierten mal", 1.2}, term{"zum fünften mal", 1.2},
			term{"zum x ten mal", 1.2}, term{"zum zigsten mal", 1.2},
			term{"zum wiederholten mal", 1.0}, term{"zum wiederholten male", 1.0},
			term{"x mal", 0.6}, term{"zigmal", 0.8},
			term{"schon wieder", 0.5}, term{"wie oft noch", 0.8},
			term{"wie oft denn noch", 0.8},
			term{"second time", 0.4}, term{"third time", 0.6}, term{"for the third time", 1.0},
			term{"fourth time", 1.0}, term{"fifth time", 1.0},
			term{"how many times", 0.8}, term{"yet again", 0.5},
			term{"again and again", 0.5}, term{"over and over", 0.4},
			term{"in a row", 0.5}),
		// Ultimatums. "sonst", "otherwise" and "or I'll" also make a
		// following cancellation a threat (see elseTerms).
		angerCues(catUltimatum,
			term{"sonst", 0.4}, term{"ansonsten", 0.4}, term{"andernfalls", 0.4},
			term{"letzte chance", 1.0}, term{"letzte warnung", 1.0},
			term{"letztmalig", 0.8}, term{"setze ihnen eine frist", 1.0},
			term{"sehe mich gezwungen", 0.8}, term{"sehe ich mich gezwungen", 0.8},
			term{"sehen uns gezwungen", 0.8}, term{"sehen wir uns gezwungen", 0.8},
			term{"otherwise", 0.4}, term{"or else", 0.8}, term{"or i'll", 0.6},
			term{"or i will", 0.6}, term{"or i'm", 0.6}, term{"or i am", 0.6},
			term{"or we'll", 0.6}, term{"or we will", 0.6},
			term{"last chance", 1.0}, term{"final warning", 1.0},
			term{"no choice but", 0.8}, term{"get your act together", 0.6},
			term{"sort it out", 0.3}),
		// Fixed sarcasm.
		angerCues(catSarcasm,
			term{"danke für nichts", 1.0}, term{"danke für gar nichts", 1.0},
			term{"danke für nix", 1.0},
			term{"vielen dank für nichts", 1.0}, term{"na toll", 0.6},
			term{"na super", 0.6}, term{"na prima", 0.6}, term{"na klasse", 0.6},
			term{"thanks for nothing", 1.0}, term{"thank you for nothing", 1.0},
			term{"oh great", 0.5}, term{"yeah right", 0.5}),
		// Threats to leave for good.
		angerCues(catLeave,
			term{"nie wieder", 0.6}, term{"zur konkurrenz", 0.6},
			term{"never again", 0.6}, term{"take my business elsewhere", 0.8}),
		// Legal steps, authorities, the bank: always a threat, negated or
		// not ("keinen Anwalt einschalten müssen" is one too).
		angerCues(catLegal,
			term{"anwalt*", 1.5}, term{"anwält*", 1.5}, term{"rechtsanw*", 1.5},
			term{"verbraucherzentrale", 1.5}, term{"verbraucherschutz*", 1.2},
			term{"strafanzeige", 1.5}, term{"anzeige erstatten", 1.5},
			term{"gerichtlich*", 1.5}, term{"vor gericht", 1.5}, term{"ans gericht", 1.5},
			term{"zum gericht", 1.5}, term{"verklag*", 1.5},
			term{"klage", 1.2}, term{"sammelklage", 1.5}, term{"einklag*", 1.5},
			term{"abmahnung", 1.0}, term{"schlichtungsstelle", 1.2},
			term{"bundesnetzagentur", 1.2}, term{"rechtliche schritte", 1.5},
			term{"juristische schritte", 1.5}, term{"rechtlich vorgehen", 1.5},
			term{"rechtliche konsequenzen", 1.5},
			term{"lawyer*", 1.5}, term{"attorney*", 1.5}, term{"solicitor*", 1.5},
			term{"sue you", 1.5}, term{"sue your", 1.5}, term{"sue them", 1.5},
			term{"will sue", 1.5}, term{"i'll sue", 1.5}, term{"gonna sue", 1.5},
			term{"going to sue", 1.5}, term{"suing", 1.5}, term{"lawsuit*", 1.5},
			term{"legal action", 1.5}, term{"legal steps", 1.5},
			term{"legal proceedings", 1.5}, term{"class action", 1.5},
			term{"small claims", 1.5}, term{"see you in court", 1.5},
			term{"take you to court", 1.5}, term{"to court", 1.5}, term{"in court", 1.5},
			term{"court action", 1.5},
			term{"chargeback*", 1.0}, term{"ombudsman", 1.2}, term{"bbb", 1.2},
			term{"better business bureau", 1.2}, term{"consumer protection", 1.2},
			term{"trading standards", 1.2}, term{"report you", 1.2}),
		// Going public.
		angerCues(catPublic,
			term{"öffentlich machen", 1.0}, term{"negative bewertung", 1.0},
			term{"schlechte bewertung", 1.0}, term{"bad review", 1.0},
			term{"negative review", 1.0}),
	)
}

// angerCues tags terms with their kind.
func angerCues(cat angerCat, ts ...term) []angerTerm {
	out := make([]angerTerm, len(ts))
	for i, t := range ts {
		out[i] = angerTerm{t.t, t.w, cat}
	}
	return out
}

// leaveTerms are cancelling or leaving. On their own they are a request
// and neutral; after "sonst"/"otherwise", or after a clause such as "wenn
// das nicht bis Freitag erledigt ist", they are the threat of an
// ultimatum ("…, kündige ich").
func leaveTerms() []string {
	return []string{
		"kündige", "kündigen", "zur konkurrenz", "konkurrenz", "anbieter wechseln",
		"cancel", "close my account", "competitor*", "switch provider",
		"switch providers", "take my business elsewhere",
	}
}

// elseTerms introduce the consequence of an ultimatum. Each must be an
// anger term.
func elseTerms() []string {
	return []string{
		"sonst", "ansonsten", "andernfalls", "otherwise", "or else", "or i'll",
		"or i will", "or i'm", "or i am", "or we'll", "or we will",
	}
}

// conditionTerms open a condition ("wenn das nicht …, kündige ich"). Each
// must be an irrealis term. "unless" is a negated condition by itself.
func conditionTerms() []condDef {
	return []condDef{{"wenn", false}, {"falls", false}, {"sofern", false}, {"if", false}, {"unless", true}}
}

// condDef is a condition word; negated ones need no "nicht"/"not".
type condDef struct {
	t       string
	negated bool
}

// waitTerms say that someone waits: a duration within four words of one
// of them is a complaint about waiting ("seit drei Wochen warte ich",
// "waiting 3 weeks"); the same duration elsewhere ("Lieferzeit drei Tage")
// is not.
func waitTerms() []string {
	return []string{
		"warte", "wartet", "warte seit", "warten seit", "wartet seit",
		"waiting", "waited", "been waiting", "on hold",
	}
}

// sinceTerms date a state back: a duration right after one of them counts
// half ("seit 8 Tagen unterwegs" is a question more than a complaint),
// the other half when a wait term follows ("seit 8 Tagen warte ich").
func sinceTerms() []string { return []string{"seit", "since"} }

// durationTerms are how long someone waited, with the weight they add to
// a complaint about waiting.
func durationTerms() []term {
	return []term{
		{"stunden", -0.4}, {"tage", -0.4}, {"tagen", -0.4}, {"wochen", -0.6},
		{"monate", -0.9}, {"monaten", -0.9},
		{"hours", -0.4}, {"days", -0.4}, {"weeks", -0.6}, {"months", -0.9},
	}
}

// shoutTerms are words shorter than four letters that, written in
// capitals, are shouting ("sort it out NOW") rather than an acronym.
func shoutTerms() []string {
	return []string{"now", "why", "not", "you", "wtf", "nie", "ich"}
}

// negatedTerms gives the weight a term takes when it is negated, where the
// default (a flipped and damped weight, see doc.go) is wrong. Terms not in
// the sentiment lists are added with weight 0: they are neutral on their
// own and only negative when negated ("no reply"). That something does not
// work, has not arrived or has not been refunded yet is how a defect, a
// missing parcel or a missing refund is reported: such a request weighs
// little ("funktioniert nicht" −0.1, "noch nicht angekommen" −0.1, "no
// refund" −0.2). It takes a complaint about waiting ("immer noch",
// "still", "seit Wochen") or a feeling to make such a mail negative. Not
// being answered or helped is a complaint about the service and weighs
// more ("keine Antwort" −0.8).
func negatedTerms() []term {
	return []term{
		// German
		{"funktioniert", -0.1}, {"funktionieren", -0.1},
		{"funktionierte", -0.1}, {"klappt", -0.1}, {"geklappt", -0.1},
		{"geht", -0.1}, {"ging", -0.1}, {"läuft", -0.1}, {"mag", -1.0},
		{"geliefert", -0.1}, {"angekommen", -0.1}, {"erhalten", -0.1},
		{"bekommen", -0.1}, {"eingetroffen", -0.1}, {"zugestellt", -0.1},
		{"reagiert", -0.8}, {"geantwortet", -0.8}, {"antwort", -0.8},
		{"antworten", -0.6}, {"rückmeldung", -0.8}, {"reaktion", -0.8},
		{"hilfe", -0.8}, {"geholfen", -1.2}, {"erstattet", -0.2},
		{"erstattung", -0.2}, {"rückerstattung", -0.2}, {"gutschrift", -0.2},
		{"zurückgezahlt", -0.2}, {"bearbeitet", -0.6}, {"gelöst", -1.0},
		{"behoben", -1.0}, {"geklärt", -0.8}, {"erledigt", -0.8},
		{"akzeptabel", -2.0}, {"problem", 0.3}, {"probleme", 0.3},
		{"kümmert", -0.8},
		{"problemen", 0.3},
		// English
		{"work", -0.1}, {"works", -0.1}, {"working", -0.1}, {"worked", -0.1},
		{"arrived", -0.1}, {"received", -0.1}, {"delivered", -0.1},
		{"reply", -0.8}, {"replied", -0.8}, {"response", -0.8},
		{"responded", -0.8}, {"responding", -0.8}, {"replies", -0.8},
		{"responds", -0.8}, {"answer", -0.6},
		{"answered", -0.8}, {"heard", -0.6}, {"refund", -0.2},
		{"refunded", -0.2}, {"help", -0.8}, {"helped", -1.2},
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
		{"garnicht", 1.3, true, false},
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
		"should", "might", "if", "unless", "whether", "please", "pls", "plz", "hope",
		"hoping", "hopefully", "wish", "want", "need", "i'd", "we'd",
		"erwarte", "erwarten", "expect",
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
		"nicht nur", "nicht wahr", "das letzte mal", "beim letzten mal",
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

// factTerms are phrases that state a fact and carry no sentiment. Like
// politeTerms they hide the words inside them: the customer's own
// cancelling is no event that happened to them ("I cancelled my order").
func factTerms() []string {
	return []string{
		"i cancelled", "i canceled", "i've cancelled", "i've canceled",
		"i have cancelled", "i have canceled", "we cancelled", "we canceled",
		"i already cancelled", "i already canceled",
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

// angryEmoji are emoji that say anger, as Anger cues ("feeling:😡").
func angryEmoji() map[rune]float64 {
	return map[rune]float64{
		'😡': 1.0, '🤬': 1.2, '😠': 0.8, '😤': 0.8, '👿': 0.6, '💢': 0.6, '🖕': 1.2,
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
		words:      make(map[string]*wordInfo, 1500),
		stems:      make(map[string][]affix, 400),
		heads:      make(map[string][]affix, 32),
		emoticons:  emoticonWeights(),
		emoji:      emojiWeights(),
		angryEmoji: angryEmoji(),
		acronyms:   make(map[string]bool),
		shout:      make(map[string]bool),
		nt:         &entry{kind: kindNegator, w: 1},
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
	for _, t := range angerTerms() {
		e := b.seen[b.key(t.t)]
		if e == nil {
			e = &entry{kind: kindSentiment}
			b.add(t.t, e)
		}
		if e.ang != 0 {
			b.issue("anger weight given twice: " + t.t)
		}
		if t.w <= 0 || t.cat == catNone {
			b.issue("anger term needs a positive weight and a kind: " + t.t)
		}
		e.ang, e.cat = t.w, t.cat
	}
	for _, t := range leaveTerms() {
		e := b.seen[b.key(t)]
		if e == nil {
			e = &entry{kind: kindSentiment}
			b.add(t, e)
		}
		e.leave = true
	}
	for _, t := range waitTerms() {
		e := b.seen[b.key(t)]
		if e == nil {
			e = &entry{kind: kindSentiment}
			b.add(t, e)
		}
		e.wait = waitVerb
	}
	for _, t := range sinceTerms() {
		if b.seen[b.key(t)] != nil {
			b.issue("since term is already a term: " + t)
			continue
		}
		b.add(t, &entry{kind: kindSentiment, wait: waitSince})
	}
	for _, t := range durationTerms() {
		if b.seen[b.key(t.t)] != nil {
			b.issue("duration term is already a term: " + t.t)
			continue
		}
		b.add(t.t, &entry{kind: kindSentiment, dur: t.w})
	}
	for _, t := range elseTerms() {
		if e := b.seen[b.key(t)]; e != nil && e.ang > 0 {
			e.els = true
		} else {
			b.issue("else term is not an anger term: " + t)
		}
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
	for _, t := range slices.Concat(politeTerms(), factTerms()) {
		b.add(t, &entry{kind: kindPolite})
	}
	for _, c := range conditionTerms() {
		if e := b.seen[b.key(c.t)]; e != nil && e.kind == kindIrrealis {
			e.cond, e.condNeg = true, c.negated
		} else {
			b.issue("condition term is not an irrealis term: " + c.t)
		}
	}
	for _, t := range shoutTerms() {
		if len(t) >= minCapsLetters {
			b.issue("shout term is long enough to count as capitals anyway: " + t)
		}
		l.shout[t] = true
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
	for w, wi := range l.words {
		l.keys.add(wordKey(w))
		for _, p := range wi.phrases {
			l.keys.add(pairKey(w, p.rest[0]))
		}
	}
	for k := range l.stems {
		l.keys.add(affixKey(k, tagStem))
	}
	for k := range l.heads {
		l.keys.add(affixKey(k, tagHead))
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
	toks, folded := b.l.tokenize(s)
	for _, t := range toks {
		if t.kind == tkWord {
			out = append(out, t.norm(folded))
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

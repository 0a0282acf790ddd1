"""Fixed word lists: stop words, common short words, and off-topic texts used for calibration."""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: long lists read better as prose than as literals."""
    return frozenset(text.split())


# scikit-learn's list drops words that carry meaning in healthcare science ("back" pain, "side" effects,
# "computer", "system", "fire" safety), so those are kept as ordinary words.
_MEANINGFUL = _words(
    "back bottom computer system fire thick thin front side full part move empty fill amount serious "
    "detail describe call cry top bill mill interest find found show"
)

# Words people use to talk about wanting a job, which say nothing about which job.
_CHATTER = _words(
    "like likes liked liking love loves loved enjoy enjoys enjoyed enjoying want wants wanted wanting "
    "interested keen fancy prefer job jobs career careers work works worked working role roles "
    "really maybe think thinking thing things stuff lot lots good great nice also would could just "
    "im ive id dont doesnt didnt isnt wasnt cant wont don doesn didn isn wasn ve ll "
    "able quite bit kind sort someday day days become becoming help helping"
)

STOP_WORDS = frozenset((ENGLISH_STOP_WORDS - _MEANINGFUL) | _CHATTER)

# Common English words of two to four letters. An abbreviation that spells one of these (EAT, ART, PET,
# AID) is only expanded when written in capitals, so "I like art" is not read as an abbreviation.
COMMON_SHORT_WORDS = _words(
    """
    ace act add age ago aid aim air all and ant any ape arc are ark arm art ash ask ate awe axe bad bag ban
    bar bat bay bed bee beg bet bid big bin bit bog bow box boy bud bug bun bus but buy cab can cap car cat
    cow cry cub cup cut dad dam day den dew did die dig dim dip dog dot dry due dug dye ear eat egg ego elf
    elm end era eve eye fan far fat fed fee few fig fin fit fix fly foe fog for fox fry fun fur gap gas gel
    gem get gin god got gum gun gut guy gym had ham has hat hay hen her hid him hip his hit hog hop hot how
    hub hug hut ice icy ill ink inn ion its ivy jam jar jaw jet job jog joy jug key kid kin kit lab lad lag
    lap law lay leg let lid lie lip lit log lot low mad man map mat may men met mix mob mop mud mug nap net
    new nil nod nor not now nun nut oak oar oat odd off oil old one opt orb ore our out owe owl own pad pal
    pan pat paw pay pea peg pen per pet pie pig pin pit pod pop pot pub pun pup put rag ram ran rap rat raw
    ray red rib rid rig rim rip rob rod rot row rub rug rum run rye sad sag sat saw say sea see set sew she
    shy sin sip sit six ski sky sly sob son sow soy spa spy sub sum sun tab tag tan tap tar tax tea ten the
    tie tin tip toe ton too top toy try tub tug two use van vat vet via vow wag war was wax way web wed wet
    who why wig win wit woe won wow yam yes yet you zip zoo
    able ache acid aged aids also arch area army away baby back bake ball band bank bare bark base bath
    bead beam bean bear beat beef been bell belt bend best bike bill bird bite blow blue boat body boil
    bold bone book boot born boss both bowl burn bush busy cake call calm came camp card care cart case
    cash cast cell chat chef chin chip city clap clay club coal coat code coin cold come cook cool cope
    copy cord core corn cost crew crop cube cure cute dare dark data date dead deaf deal dear debt deck
    deep deer desk dial diet dirt dish dive does doll done door dose down draw drew drop drug drum duck
    dust duty each earn ease east easy echo edge else even ever exam exit face fact fade fail fair fall
    fame farm fast fate fear feed feel feet fell felt file fill film find fine fire firm fish five flag
    flat flew flow foam fold folk food foot form fort four free frog from fuel full fund gain game gate
    gave gear gift girl give glad glow glue goal goes gold golf gone good grab gray grew grey grid grip
    grow hair half hall hand hang hard harm hate have head heal hear heat held help herb here hero hide
    high hill hint hire hold hole holy home hook hope horn host hour huge hunt hurt idea inch into iron
    item jazz join joke jump jury just keen keep kept kick kind king kiss knee knew knit know lace lack
    lady laid lake lamb lamp land lane last late lawn lazy lead leaf lean left lend lens less life lift
    like limb line link lion list live load loan lock long look loop lord lose loss lost loud love luck
    lung made mail main make male mall many mark mask mass mate meal mean meat meet melt memo menu mess
    mild milk mind mine miss mode mood moon more most move much must nail name near neck need nest news
    next nice nine none nose note once only open oral oven over pace pack page paid pain pair pale palm
    park part pass past path peak pick pile pill pine pink pipe plan play plot plug plus poem pole poll
    pond pool poor port pose post pour pull pump pure push race rack rain rank rare rate read real rear
    rely rent rest rice rich ride ring rise risk road rock role roll roof room root rope rose rule rush
    safe said sail salt same sand save scan seal seat seed seek seem seen self sell send sent ship shoe
    shop shot show shut sick side sign silk sing sink site size skin slip slow snap snow soap sock soft
    soil sold sole some song soon sore sort soul soup sour spin spot star stay step stem stop such suit
    sure swim tail take tale talk tall tank tape task taxi team tear tell tend tent term test text than
    that them then they thin this tide tidy tile time tiny tone took tool tour town toys tree trip true
    tube tune turn twin type unit upon used user vary vast very view vote wage wait wake walk wall want
    warm warn wash wave weak wear week well went were west what when whom wide wife wild will wind wine
    wing wire wise wish with wood wool word wore work worm wrap yard yarn year your zero zone
    """
)

# Sentences about jobs and hobbies outside healthcare science. Their scores show what a non-match looks like.
OFF_TOPIC_TEXTS = (
    "I want to be a lorry driver",
    "football and video games",
    "I like cooking pasta and baking cakes",
    "working in a clothes shop at the weekend",
    "fashion design and make-up",
    "I want to fly planes as an airline pilot",
    "bricklaying and building houses",
    "accountancy, tax returns and bookkeeping",
    "selling second-hand cars",
    "playing guitar in a rock band",
    "farming sheep and driving tractors",
    "I want to be a lawyer in court",
    "hairdressing and beauty therapy",
    "plumbing and fitting bathrooms",
    "gardening and cutting lawns",
    "joining the police or the army",
    "writing stories and poems",
    "acting in plays at the theatre",
    "dancing and singing on stage",
    "running a cafe or a restaurant",
    "working as an estate agent selling flats",
    "delivering parcels on a bike",
    "professional boxing and martial arts",
    "painting and decorating people's homes",
    "I love horses and riding",
    "travel, tourism and working in a hotel",
    "banking and the stock market",
    "marketing and social media influencer",
    "fishing at sea on a trawler",
    "carpentry and making furniture",
    "I want to be a chef in a big kitchen",
    "retail management in a supermarket",
    "journalism and newspapers",
    "shoe shopping and handbags",
    "learning Spanish and French for holidays",
    "train driver on the railways",
)

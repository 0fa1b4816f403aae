"""What a question asks for (its facet), and the cue phrases that mark sentences answering each facet."""

from __future__ import annotations

import re

# Checked in order; the first rule whose pattern matches names the facet.
_RULES: tuple[tuple[str, str], ...] = (
    ("cite", r"\b(cite|citation|bibtex|bib entry|reference entry)\b"),
    ("novelty", r"\b(differ\w*|distinct|set apart|stand out) (from|to|against) (the )?(related|prior|previous|earlier"
     r"|existing) (work|papers?|methods?|approaches)\b"),  # before "related work" asks for similar papers
    ("similar", r"\bsimilar (papers?|work|ones?|to)\b|\b(papers?|work) similar\b|\brelated (papers?|work)\b"
     r"|\bpapers? like\b|\blike this( one)?\b"),
    ("authors", r"\bwho (wrote|are the authors|authored|built|made|created|developed|did)\b|\bwho('s| is| are) behind\b"
     r"|\b(list|name)s? (of )?the authors\b|\bauthor list\b|^\W*authors?\b|\bwho (is|are) the authors?\b"
     r"|\bwritten by\b|\bwhose (paper|work)\b|\bwho (are|were|is)\b.{0,40}\bauthors?\b"),
    # What a finding means beyond itself: "the broader lesson from their results", "what does that imply about ..."
    ("significance", r"\b(broader|bigger|wider|general|overall) (lessons?|takeaways?|implications?|picture)\b"
     r"|\bmore broadly\b|\b(imply|implies|suggests?|say|says|tells? us|teach(es)? us) about\b"
     r"(?!.{0,40}\b(future|next|limitations?|weakness\w*|method)\b)|\bwhat (does|do|did) (that|this|it) imply\b"
     # "what do the BenSyc findings imply for ...": what they mean, not what they are (before "findings")
     r"|\b(imply|implies)\b(?!.{0,40}\b(future|next)\b)|\bimplications? (of|for)\b(?! future)"
     r"|\b(mean|means|meaning) (for|to)\b|\bupshot\b|\btake.?aways?\b|\blessons?\b"
     r"|\bwhat('?s| is| are) (it|this|that|they) (good|useful) for\b"),
    # Doubting the reach of a claim: "does it generalize outside europe", "how conclusive is the evidence"
    ("limitations", r"^\W*(and |so |but |ok )?(do|does|did|is|are|was|were|can|could|will|would)\b.{0,80}"
     r"\b((fully|actually|really|completely) (solve|fix|work|eliminate|remove)|on (every|all|each) "
     r"|generali[sz]e (to|outside|beyond|across)|hold(s)? up (on|for|in|outside|beyond|under|with|to|if)"
     r"|for any (kind|type|sort|class))"
     r"|\bhow (solid|conclusive|reliable|convincing|trustworthy|definitive) (is|are|was|were)\b"
     r"|\bhow much (weight|trust|stock|faith)\b|\bmature\b.{0,40}\bor\b"
     # "when does the bilingual fine-tuning approach break down?" (before "approach" names the method)
     r"|\b(where|when|does|do|did|will|would|could|can)\b.{0,60}\b(break|breaks|broke) down\b"
     r"(?!\s+(the|its|their|this|that|these|it|for|how|what|into)\b)"
     r"|\bfalls? (apart|short)\b|\bconced\w*|\b(doesn'?t|does not|didn'?t|did not) deliver\b"
     r"|\b(empirically|experimentally|actually|ever) (validated|tested)\b|\bbeen (validated|tested)\b"),
    # The data a paper puts together: "what dataset did they build" (not "what data do they train on")
    ("contributions", r"\bwhat (kind of |sort of )?(data|dataset|datasets|data set|corpus|corpora|benchmark)s? (did|do"
     r"|does|have) (they|it|the authors|the \w+) (collect|build|built|put together|create|gather|release|make"
     r"|assemble|curate|construct|introduce|contribute|compile)"),
    # The size of an artifact, not of an effect: "how big is CoTIR-Bench" (not "how big are the gains")
    ("contributions", r"\bhow (big|large) (is|was|are|were)\b(?!.{0,25}\b(gap|effect|gains?|improvements?"
     r"|differences?|speed.?ups?|boost|drop|margin|increases?|reductions?|jump|lift|advantage|savings?|loss)\b)"),
    # A release still to come: "are they gonna release the dataset", "downloadable yet or still to come?"
    ("future_work", r"\b(will|gonna|going to|plan(s|ning)? to|intend to)\b.{0,40}\b(release|publish|open.?source)"
     r"|\b(available|downloadable|released|out)\b.{0,10}\byet\b|\bstill to come\b"
     r"|\b(once|upon|after) (the paper is |it is |it's )?accept(ed|ance)\b"),  # not "was it accepted somewhere?"
    ("method", r"\bhow (was|were|is|are|did|do|does) .{0,40}\bevaluat"
     r"|\bwhich (\w+ ){1,2}(do|did|does) (they|it) compare\b"  # what the study sets side by side
     r"|\b(evaluation|experimental|experiment|test) (setup|set-up|protocol)\b"),
    ("results", r"\bhow (well|much better|much|fast|good|close|accurate|big|large)\b"
     r"|\b(does|did|do) (it|they|this|the \w+|[\w-]+( [\w-]+){0,2}) (beat|outperform|surpass|win)"
     r"|\bwhich .{0,30}\b(won|wins|worked best|was best|is best|performed best)\b"
     r"|\b(what|which|any|tight|tighter|upper|lower|new|improved) (\w+ )?bounds?\b"
     r"|\bwhat( \w+)? (do|did) they (get|obtain|prove|achieve)\b"
     r"|\bhow('d| did| does| do| well did| well do| well does) (the )?([\w-]+ ){0,4}(do|fare|perform|score)\b"
     r"(?! (that|this|it|so|the)\b)|\bhow('d| did| does) (it|they|things|that) (go|turn out|pan out)\b"
     r"|^\W*(so,? |and )?(did|does) (it|this|that|the \w+) (actually |really )?work\b"
     r"|\bwhich (\w+ ){1,2}(worked|works?|was|is|did|does|performed|performs) (the )?best\b|\bwhat came out of\b"
     r"|\bstacks? up\b"),
    ("about", r"\btrying to (find out|do|solve|achieve|understand|answer|show)\b|\bset out to\b"
     r"|\bresearch questions?\b|\bwhat questions? (do|does|did) (they|it|the \w+) (ask|investigate|study|address"
     r"|pose)\b"
     r"|\bwhat (were|are|was|is) (they|it|the paper|the study) (trying|aiming|after)\b"),
    ("limitations", r"\blimita\w*|\bweakness(es)?\b|\bdrawbacks?\b|\bshortcomings?\b|\bcaveats?\b|\bdownsides?\b"
     r"|\bweak (spots?|points?|sides?)\b|\bcatch\b|\bwhere (it|they|the \w+) (fails?|falls? short|breaks?)\b"
     r"|\b(doesn't|does not|didn't|did not|don't|won't) work\b|\bpitfalls?\b"
     r"|(?<!pass/)(?<!pass-)(?<!pass or )\bfail(s|ure|ures)?\b"  # not "a pass/fail score"
     r"|\b(admit|acknowledge)\w*\b|\blimits\b|\bnot work(ing)? (well|so well)\b|\bwhat didn'?t work\b"
     r"|\b(doesn'?t|does not|didn'?t|did not|don'?t|do not|not) (help|improve)\b"
     r"|\bwhere (doesn'?t|does not|don'?t|do not|did not|didn'?t)\b|\bworst.case\b|\bhold(s|ing)? .{0,30}\bback\b"
     r"|\b(practical|deployment|main|key|open) concerns?\b|\bwhat (can'?t|cannot|can not)\b"),
    ("novelty", r"\bwhat('?s| is| are) (\w+ ){0,2}(different|new|novel|original|unique)\b|\bdiffer(ent|s)? from\b"
     r"|\bwhat makes (it|this|them|the \w+) (new|novel|different|unique|special|stand out)\b"
     r"|\b(anything|something) (actually |really |genuinely )?(new|novel)\b|\bhow is (it|this|that) different\b"
     r"|\b(vs\.?|versus|compared (to|with)|relative to|over|from) (the )?(existing|prior|previous|earlier|other"
     r"|standard|conventional|current|usual)\b|\bnew (here|in (it|this|the paper))\b"
     r"|\b(actually|really|truly|genuinely) (new|novel)\b|\bdone before\b|\b(claimed|claim|claims) (to be )?"
     r"(new|novel|first)\b|\bthe first (to|one|paper|work|study|time|of)\b|\b(new|novel)\s*\?"
     r"|\b(really|actually|truly) the first\b"
     r"|\b(key|core|main|central|new|novel|big) insights?\b|\binsights? (behind|that)\b"
     r"|\bwhat gaps? (does|do|did) (it|they|this|the \w+) (fill|close|address)\b"),
    ("compare", r"\bcompar(e|ison)\b|\bversus\b|\bvs\.?\s|\bdifferences? between\b|\bhow does .* differ\b"),
    # "how does T-FunS3D compare to state of the art": with one paper named, how well it does against others
    ("results", r"\bhow (does|do|did) .{0,60}\bcompare\b"),
    ("date", r"\bwhen (was|were|did)\b|\bwhen is (it|this|that|the paper) (from|out|dated|published)\b"
     r"|\b(publication|submission|release) date\b|\bwhich version\b"
     r"|\bhow (old|recent)\b|\bwhat date\b|\bcome out\b(?! (of|ahead|on top|better|worse|best)\b)|\bdated?\b"),
    ("comment", r"\bcomments?\b|\bvenues?\b|\baccepted\b|\bwhere (was|is|were)\b.*\b(published|presented|appear)"
     r"|\bpublished (in|at)\b|\bconference\b|\bjournal\b|\bhow many pages\b|\bpeer.?reviewed\b"),
    # Which arXiv categories, not "the category theory paper" or "new relationship categories"
    ("categories", r"\b(what|which) (arxiv )?categor(y|ies)\b|\barxiv categor|^\W*categor(y|ies)\b"
     r"|\bcategor(y|ies) (of|for) (it|this|that|the paper|\d{4}\.\d{4,5})|\bsubject (area|class)\b"
     r"|\barxiv (section|area|listing)\b|\bwhich field\b|\bfiled (in|under)\b"),
    ("key_terms", r"\bkey ?(terms|words|phrases)\b|\bkeywords\b|\bmain terms\b|(?<!many )(?<!and )\btags\b"),
    ("future_work", r"\bfuture\b|\bnext steps?\b|\bopen (questions|problems)\b|\bfollow.?up\b|\blater\b"
     r"|\bplan(s|ned)?\b(?! to \w+ing)|\bplanning (to|on|for)\b|\bgoing forward\b|\bwhat('s| is) next\b"
     r"|\bwill they\b|\bcomes? next\b|\b(do|doing|try|trying|work on|explore|exploring|pursue|tackle|study) next\b"
     r"|\bgo from here\b|\bnext\s*\?|\bwhat remains\b|\b(what|which) directions?\b"),
    ("contributions", r"\bcontrib|\bwhat('?s| is| are)? in (it|them|there|their|the|this|that)\b"
     r"|\bwhat (exactly )?(do|does|did) .{0,80}\b(provide|offer|deliver|release|bring"
     r"|add|put out)\b|\b(code|data|dataset|weights|models?|benchmark)( \w+)? (out|public|available|released)\b"
     r"|\b(did|do|does) .{0,40}\b(release|open.?source|put out)|\bwhere (can|do|could) (i|we|you|one) (get|find|grab"
     r"|download|access|try)\b"),
    ("significance", r"\bbig deal\b|\bwhy (do|does|did) (we|they|you|anyone|it|people) need\b"
     r"|\bwhy('s| is| was| are| would| should) (it|this|that|such|anyone|we|people|they)\b"
     r"|\bso what\b(?=\s*([?,.!;:—-]|$|(if|now|then)\b))"  # "so what?", not "so what did they find"
     r"|\bwho (cares|benefits|would use)\b|\bwhy (care|bother)\b|\bworth (it|reading|caring)\b"
     r"|\bwhy (is|are|would|should|does|do) .{0,80}\b(useful|important|valuable|matter)\b"),
    ("method", r"\bmethod(s|ology)?\b|\bapproach\b|\btechniques?\b|\bhow (do|does|did) (they|it|the)\b"
     r"|\barchitecture\b|\balgorithm\b|\bhow (is|are|was|were|do|does|did)\b.*\b(work|trained|built|done|implemented"
     r"|designed|computed|decide|represent|learn|handle|generate|model|made)s?\b|\btrick\b|\bunder the hood\b"
     r"|\brecipe\b|\b(the|their) (proposed )?(fix|remedy)\b"
     r"|\bcomponents?\b|\bwhat (data|dataset|datasets|metrics)\b|\bwhat does the \w+ (integrate|use|combine)\b"
     r"|\bwhat are (the|its|their) (two|three|four|main|key|\w+ )?\s?(branches|stages|steps|parts|modules|phases)\b"
     r"|\b(study|experimental) design\b|\bhow'd\b|\bbaselines?\b|\bhow\b.{0,40}\bworks?\b|\bexplain how\b"
     r"|\bmodules?\b|\bpipelines?\b|\bmechanisms?\b"
     # "explain the Mixture-of-View Projector": a part of it; not "explain in plain words", "explain the idea"
     r"|\bexplain\s+(?:(?:the|its|their)\s+)?(?!(?:the|its|their|in|this|that|it|plain|simply|briefly|concept|problem|idea|paper"
     r"|work|study|one|me|to|like|what|why|who)\b)[A-Za-z]"),
    ("results", r"\bresults?\b|\bfind(ings?)?\b|\bfound\b|\bperform(ance)?\b|\baccuracy\b|\boutperform"
     r"|\bachieve|\bshow(ed|n)?\b|\bconclu(de|sion)|\bevaluat|\bexperiments?\b|\bhow (well|good|fast"
     r"|accurate|much|many)\b|\bnumbers\b|\bspeed.?ups?\b|\bimprove|\bscores?\b|\bgains?\b|\bthroughput\b"
     r"|\boutcomes?\b"),
    ("significance", r"\bsignifican|\bwhy (does|is|should|would) .*(matter|important|care|needed|useful)"
     r"|\bimportan(t|ce)\b|\bimpact\b|\bimplications?\b|\bwhy should\b|\btake.?aways?\b|\blessons?\b"
     r"|\bwhy care\b|\bmatters?\b|\buseful\b|\bcare\b|\b(practical|real.world) (uses?|applications?|value)\b"
     r"|\buse cases?\b|\bapplications?\b"),
    ("contributions", r"\bcontribut"),
    ("novelty", r"\bnovel(ty)?\b|\bwhat('s| is) new\b|\boriginal(ity)?\b|\bnew (idea|about)\b|\bdiffer(ent|s)? from\b"
     r"|\bcompared to (current|existing|prior)\b|\bunlike\b"),
    ("method", r"^\W*(and |so |but )?how (does|do|did|can|could|is|are|was|were)\b"),
    ("about", r"\babout\b|\bsummar|\btl;?dr\b|\boverview\b|\bwhat is\b|\bexplain\b|\bgist\b|\bmain idea\b"
     r"|\bdescribe\b|\bgoal\b|\bproblem\b|\baim\b|\btopic\b"),
)  # fmt: skip
_COMPILED = tuple((facet, re.compile(pattern, re.IGNORECASE)) for facet, pattern in _RULES)
_TOPIC = re.compile(
    r"\b(any|find|search|list|recommend|suggest|show me|looking for)\b.*\bpapers?\b"
    r"|(?<!the )\bpapers? (on|about|that)\b"
    r"|\b(is there|are there) (any )?(work|research|papers?)\b|\b(any|some|recent|prior|existing|related|other|more)"
    r" (work|research) on\b",
    re.IGNORECASE,
)

# Sentences that answer a facet tend to say so. Weights are added to the similarity score.
CUES: dict[str, re.Pattern[str]] = {
    "about": re.compile(
        r"\b(we|this (paper|work|study)|here we|in this (paper|work))\b.{0,40}\b(propose|present|introduce|"
        r"study|investigate|address|develop|explore|analy[sz]e|argue|examine|describe|formali[sz]e|compare|"
        r"evaluate|tackle|focus|aim|build|design|release|construct|frame|ask)",
        re.IGNORECASE,
    ),
    "method": re.compile(
        r"\b(we (first |then |also )?(propose|introduce|present|develop|design|use|employ|adopt|leverage|train|"
        r"formulate|compare|build|construct|combine|model|apply|fine-?tune|extend)|our (method|approach|framework|"
        r"model|system|pipeline|algorithm)|consists of|is trained|is based on|we call|specifically|incorporat\w*|"
        r"modules?|comprises?|is composed)\b",
        re.IGNORECASE,
    ),
    "results": re.compile(
        r"\b(results?|outperforms?|achiev|improv|surpass|state-of-the-art|sota|show(s|ed)? that|demonstrat|"
        r"experiments?|accuracy|gains?|reduc|increas|f1|bleu)\b|\d+(\.\d+)?\s?%|\d+(\.\d+)?x\b",
        re.IGNORECASE,
    ),
    "significance": re.compile(
        r"\b(enabl|significan|important|implications?|pav(e|es|ing) the way|benefit|impact|practical|"
        r"crucial|valuable|insights?|highlight|(findings|results|this|these|which|analysis) (suggest|indicate|"
        r"demonstrate|highlight|reveal|show|underscore|point)s?|offers? a|provides? a \w*\s?(path|way|foundation|"
        r"basis|tool)|headroom|bottleneck|the need for|useful|broad(er|ly)|critical (for|to)|essential|"
        r"preferable|applications? (such as|like|in|requiring)|establish\w* .{0,60}\bas (a|an|the)\b|"
        r"positions? .{0,60}\bas (a|an|the)\b|advanc(e|es|ing) .{0,40}\b(toward|towards|beyond|from)\b|"
        r"(overall|together|taken together|collectively),? (these|our|this|the|we|\w+)|we showcase|"
        r"(providing|offering|opening) (a|an|new)\b)\w*",
        re.IGNORECASE,
    ),
    "limitations": re.compile(
        r"\b(limitations?|limited|drawbacks?|however, (our|the|this)|cannot|"
        r"only works|restricted to|shortcomings?|weakness|not robust|remains? (challenging|difficult|limited|"
        r"non-functional)|not uniform|"
        r"subject to|falls? short|lags? behind|"
        r"without refinement|at the cost of|caveats?|open challenge|"
        r"still (quite |relatively )?(high|low|limited|far|lag\w*|below)|only (modest|marginal|limited|partial)|"
        r"(considerable|significant|substantial|notable|large|sharp) (performance )?(drop|decline|gap)|"
        r"not (a )?(complete|full|comprehensive)|room for improvement|negative (results?|findings?)|honest "
        r"negatives?|not yet|persists?|"
        r"only under|detrimental|not uniformly|rather than confirmatory|(most|the) remaining (errors|failures|gap)|"
        r"(substantial|considerable|significant|large|high) uncertainty|"
        r"(introduces?|incurs?|adds?) (additional|extra|some|higher) (latency|overhead|cost)|"
        r"remains? (open|unclear|unexplained|poorly understood)|"
        r"fail(s|ed)? to (outperform|generali[sz]e|transfer|scale|converge|capture)|(does|do|did) not (by itself |on "
        r"its own )?(transfer|generali[sz]e|scale|replace|hold)|still (make|makes|made|struggle|struggles|fail|fails"
        r"|suffer|suffers)|diminishing returns|preliminary|remains? (insufficient|unvalidated|untested|hard"
        r"|a non-trivial challenge)|only (slight|weak|moderate)|(residual|remaining) (error|errors|gap|failures)|"
        r"we do not claim|not a (replacement|substitute)|insufficient|blind spots?|(drops?|collapses?|falls?) to "
        r"(near )?chance)\b|\btrade-?offs? (is|are)\b|\bunresolved\b|\bnot sufficient\b"
        r"|\baccompanied by (increased|higher|additional|greater)\b"
        r"|\bsmall-sample ([\w-]+ ){0,2}(check|evaluation|study|experiment|validation)\b",
        re.IGNORECASE,
    ),
    "future_work": re.compile(
        r"\b(future (work|research|directions?|systems?)|we plan|remains? (open|to be)|open (question|problem)s?|"
        r"left for future|will (be )?(publicly |openly |made )?(release|released|made|available|open-?sourced?)|"
        r"code will|"
        r"pav(e|es|ing) the way|a path (toward|towards|to)|next steps?|we call for|call for (more|further|new)|"
        r"promising (direction|avenue|path)s?|warrants? further|further (work|research|study|investigation) "
        r"(is|are) (needed|required|warranted)|research (directions|agenda)|roadmap|motivat\w* (further|future)|"
        r"(highlight|underscore|point|motivat)(s|es|e|ing)? (to )?the (urgent |pressing )?need|"
        r"opportunities for improv\w*|"
        r"necessary shift|open(s|ed|ing)? (up )?(new |a |the )?(new )?(avenues?|routes?|directions?|doors?|paths?|"
        r"possibilities)|(should|must|could|deserves?|merits?) be (further )?(explored|investigated|studied|examined)"
        r" further|(warrant|merit|deserve)s? (further|more|future)|future [a-z-]+ (should|must|need|could|can|may|"
        r"will)|we (also |further |additionally )?plan|left open|(findings|results|work|analysis) calls? for|"
        r"requires? (more|further) (studies|research|work|investigation)|testable (predictions|hypotheses)|"
        r"for future (research|work|studies|investigation|exploration|development|policy)|future extensions?|next "
        r"bottleneck|remains? necessary|(important|major|key) (open )?challenges? (remain|for)|challenges remain|"
        r"remains? an? (important |major |key )?open challenge|"
        r"areas? for improvement|starting point for|living benchmark|require approaches beyond)\b",
        re.IGNORECASE,
    ),
    "contributions": re.compile(
        r"\b(contribut\w*|we (also |further |additionally |then |finally )?(propose|introduce|present|release|provide"
        r"|develop|build|construct|curate|create|design|offer|derive|prove|establish)(s|d|ed)?|(this|our) (paper|"
        r"work|study|demo\w*|system|framework) (presents?|introduces?|proposes?|provides?|offers?|delivers?)"
        r"|it is (proven|proved|shown)|(are|is) (derived|proven|proved))\b",
        re.IGNORECASE,
    ),
    "novelty": re.compile(
        r"\b(novel|first|unlike|to the best of our knowledge|no prior|we (propose|introduce|present|reveal)|"
        r"uncover\w*|innovative|(a|an entirely|a fundamentally) new|instead of|rather than|in contrast (to|with)|"
        r"whereas|differs? from|"
        r"(this|our) (paper|work|study) (presents?|introduces?|proposes?))\b",
        re.IGNORECASE,
    ),
}
# A facet's own name in a question ("what is novel about this paper?", "explain the X method"): such a question asks
# for that facet, not what a thing it names is (compose.pointed_sentence). The facet model is not bound by it: with
# the fine-tuned model it overrules a rule even when the question says one ("earlier inversion methods").
NAMED: dict[str, re.Pattern[str]] = {
    facet: re.compile(pattern, re.IGNORECASE)
    for facet, pattern in {
        "novelty": r"\bnovel(ty)?\b|\boriginal",
        "limitations": r"\blimitations?\b|\bweakness|\bdrawbacks?\b|\bshortcomings?\b|\bcaveats?\b|\bdownsides?\b",
        "future_work": r"\bfuture\b",
        "contributions": r"\bcontribut",
        "method": r"\bmethod(s|ology)?\b",
        "results": r"\bresults?\b|\bfindings?\b",
        "significance": r"\bsignifican|\bimportan",
    }.items()
}
# Added to a sentence's score by its role (retrieval/roles.py: background/objective/method/result/other).
ROLE_BONUS: dict[str, dict[str, float]] = {
    "about": {"objective": 0.25},
    "method": {"method": 0.25, "objective": 0.05},
    "results": {"result": 0.25},
    "significance": {"result": 0.05, "other": 0.1},
    "contributions": {"objective": 0.1, "method": 0.1},
    "novelty": {"objective": 0.1, "method": 0.05},
    "limitations": {"result": 0.05},
    "future_work": {"other": 0.1, "result": 0.05},
}
# Said in so many words ("left for future work", "a limitation of our study"): stated whatever the ranker's
# score, which otherwise decides whether a weaker cue ("remains open") is the paper's own.
EXPLICIT: dict[str, re.Pattern[str]] = {
    "future_work": re.compile(
        r"\b(future (work|research|directions?)|left for future|we plan to|research directions|roadmap)\b",
        re.IGNORECASE,
    ),
    "limitations": re.compile(
        r"\b(limitations? (of|in) (our|this|the proposed)|our (method|approach|model)'?s? limitations?|room for "
        r"improvement|(honest|notable|two|several) negatives?|negative results?|(does|do|is|are) not yet|"
        r"remains? an? (open )?(challenge|bottleneck)|(gap|gaps|problem|issue)s? persists?|only under (specific|"
        r"certain) conditions|(mixed|detrimental) effects?|not uniformly|not robust|rather than confirmatory|"
        r"(most|the) remaining (errors|failures)|(introduces?|incurs?|adds?) (additional|extra) (latency|overhead))\b",
        re.IGNORECASE,
    ),
}
# A sentence that names itself the answer: "Our main result is that ...", "Its key contribution is ...". Over
# the labelled sets (2026-11-30) 7 of the 8 such results sentences whose paper was asked its results, and 16 of the
# 20 contributions sentences, are the labelled answer; each is answered whatever the ranker scores it.
SELF_LABELLED: dict[str, re.Pattern[str]] = {
    "results": re.compile(r"\b(our|the|its) (main|key|central|principal|primary) (results?|findings?)\b", re.I),
    "contributions": re.compile(
        r"\b(our|its|the|main|key|primary|principal) contributions? (of (this|our) (paper|work|study) )?(is|are"
        r"|include|includes|lies|lie)\b"
        r"|\bcontributions? (of (this|our) (paper|work|study) )?(is|are)?\s?(as follows)?:",
        re.I,
    ),
}
# A sentence about earlier work ("existing methods have two limitations") is not the paper's own.
_EARLIER = (
    r"\b(existing|prior|previous|conventional|traditional|current|earlier) (work|works|methods?|approaches|models?|"
    r"systems?|studies|research|techniques|benchmarks|solutions|algorithms|strategies|frameworks|pipelines|datasets"
    r"|designs|paradigms|practices?|tools|protocols|evaluations|baselines)\b"
)
EARLIER_WORK = re.compile(_EARLIER, re.IGNORECASE)  # what is new is never what earlier work did
PRIOR_WORK = re.compile(
    _EARLIER + r"|^(to (address|overcome|tackle|mitigate|solve))"
    r"|\b(address|overcome|tackle|mitigate|solve|alleviate|resolve)(s|d|es|ing)? (these|this|the above|such|those|"
    r"the aforementioned|both|the two) (limitations?|challenges|issues|gaps?|problems?|shortcomings)\b",
    re.IGNORECASE,
)
# "Code is available at https://...": a release note answers what is contributed or promised, nothing else.
RELEASE_NOTE = re.compile(
    r"\b(code|data|dataset|models?|implementation|benchmark|leaderboard|project page|demo|weights|artifacts?)\b.{0,60}"
    r"\b(is|are|will be|has been|have been)\s+(publicly |openly |freely |made )*(available|released|accessible)"
    r"|\b(available|released) at\s+\S*(https?://|github)|\bhttps?://\S+\s*\.?$"
    r"|\bwe (open-?source|release) (our|the|all) (code|data|models?|implementation)",
    re.IGNORECASE,
)
ASKS_RELEASE = re.compile(
    r"\b(code|github|repo|repository|open.?sourced?|weights|checkpoints?|download|available|released?)\b"
    r"|\bwhere (can|do|could) (i|we|you|one) (get|find|grab|access|try)\b",
    re.I,
)
RELEASE_NOTE_CHARS = 160  # longer sentences say more than where the code is
RELEASE_FACETS = frozenset({"contributions", "future_work"})
# Answered from sentences that carry the facet's cue first. Limitations and future work are answered only
# from those ("not stated" rather than generic text); the others fall back to the best sentence by role,
# since nearly every abstract states what it contributes, what is new in it and why it matters.
STRICT_FACETS = frozenset({"limitations", "future_work", "significance", "novelty", "contributions"})
CUE_ONLY_FACETS = frozenset({"limitations", "future_work"})
SUMMARY_FACETS = {  # which machine-written summary facet answers which question facet
    "about": "tldr",
    "method": "method",
    "results": "result",
    "significance": "conclusion",
    "contributions": "method",
}


def detect_facet(question: str, skip: str = "") -> str:
    """The facet a question asks for, or "" when it names none (then: about a paper, search otherwise)."""
    for facet, pattern in _COMPILED:
        if facet != skip and pattern.search(question):
            return facet
    return ""


_DEFINITE = re.compile(  # "the X paper", "that paper", not "the study of X"
    r"\b(the|that|this)\s+(?:[^\s?]+\s+){0,12}?(paper|study|article|preprint)\b(?!s)(?!\s+of\b)", re.I
)
_SEARCHING = re.compile(  # "find me ...", not "what did they find"; "search for ...", not "beam search"
    r"\b((?<!they )(?<!authors )(?<!did )find|show me|looking for|look for|papers)\b"
    r"|\b(is|are) there (any |some |other |more )*(?!future\b)(\w+ )?(work|research|papers?|studies|articles"
    r"|literature|preprints|anything|something)\b"
    r"|\bsearch (for|me|arxiv)\b|^\W*((please|can you|could you) )?search\b",
    re.I,
)


def is_topic_question(question: str) -> bool:
    """Asks for papers ("any papers on KV-cache compression?"), not about one ("list the contributions of the
    Plan, Watch, Recover paper", "that paper on LLMs checking prospectuses, what's new?")."""
    if _DEFINITE.search(question) and not asks_for_papers(question):
        return False
    return bool(_TOPIC.search(question))


def asks_for_papers(question: str) -> bool:
    """Searching words: "find", "looking for", "is there", "papers"."""
    return bool(_SEARCHING.search(question))


_QUESTION = re.compile(
    r"\?|\b(what|whats|how|why|who|whom|which|where|when)\b|(^|[:;,–—-])\W*((so|and|but|ok|okay)\W+)?(is|are|was|were"
    r"|does|do|did|can|could"
    r"|will|would|should|has|have|any|tell|explain|describe|summari[sz]e|list|give|show|name)\b|\bright\W*$"
    r"|\b(walk|talk|take|run) (me|us) (through|thru)\b|\bbreak (it |this |that )?down\b|\bgo over\b|\belaborate\b"
    r"|\bunpack\b",
    re.IGNORECASE,
)


# How a message opens that carries on the chat: "so ...", "wait, ...", "ok and ..."
_GOING_ON = r"(and|so|ok(ay)?|but|also|hmm+|hm|re|then|wait|oh|ah|um+|uh+|cool|nice|thanks|great|right)\b"
_ASKS_BACK = re.compile(
    rf"^\W*({_GOING_ON}\W*)*(what|whats|how|why|which|where|who|when|is|are|was|were|does"
    r"|do|did|can|could|will|would|should|has|have|any|tell|explain|describe|give|list)\b",
    re.IGNORECASE,
)
_CARRIES_ON = re.compile(rf"^\W*{_GOING_ON}", re.IGNORECASE)


def points_back(text: str) -> bool:
    """Whether `text` refers back to a paper already spoken of: "they", "it", "the dataset"."""
    return bool(_REFERENCE.search(text))


def carries_on(text: str) -> bool:
    """Whether `text` opens as the next line of a conversation: "so are SAEs worth using, bottom line?"."""
    return bool(_CARRIES_ON.match(text))


def asks_back(text: str) -> tuple[bool, bool]:
    """Whether `text` opens as a question ("so what's the practical upshot", not "AI assistants lying about
    what they did"), and whether it points back with a pronoun ("what do they suggest")."""
    return bool(_ASKS_BACK.match(text)), bool(_REFERENCE.search(text))


def is_question(text: str) -> bool:
    """A question ('key insight?', 'what did they build'), not a description of a paper ('dataset of memes
    labelled for severity'): a '?', a wh-word, or an auxiliary or request opening a clause."""
    return bool(_QUESTION.search(text))


_REFERENCE = re.compile(
    r"\b(they|their|them|it|its|this|that|these|those|the (paper|work|study|authors?|article|method|model|approach"
    r"|results?|abstract|findings?|dataset|benchmark|code|framework|system|experiments?|evaluation|corpus|pipeline"
    r"|architecture|report|survey))\b",
    re.IGNORECASE,
)
# Words that say what is asked rather than what about: a follow-up is made of these and a reference.
ASKING_WORDS = frozenset(
    """method methods methodology approach approaches technique techniques architecture algorithm result results
    find finding findings found perform performance accuracy outperform achieve achieved show showed shown
    conclude conclusion conclusions evaluate evaluated evaluation benchmark benchmarks experiment experiments
    significance significant important importance impact implication implications contribution contributions
    novel novelty new original limitation limitations weakness weaknesses drawback drawbacks shortcoming
    shortcomings caveat caveats future next step steps open question questions problem problems summary summarise
    summarize tldr overview explain main idea goal describe use used using wrote written author authors key
    propose proposed published released date version cite citation bibtex similar related compare compared
    tell know give main core basic simple simply terms detail details really exactly venue venues comment
    comments category categories keyword keywords term bibtex ris reference similar related like come came out
    date published publication when where accepted conference journal pages listed arxiv field area subject
    caveat weak weaknesses next plan plans why matter matters differ different info information listing listed
    mention mentioned discuss discussed report reported stated state say says lesson lessons takeaway takeaways
    trick idea ideas components component contribution list anyone people care cares big deal point catch
    downside downsides admit admits acknowledge acknowledged actually exactly really claim claims claimed add adds
    put try tried want wants later aim aims go went thing things stuff worth bother useful practical application
    applications baseline baselines topic core limits bring table need needs needed run running practically
    setup setups setting settings gotcha gotchas failure failures mode modes admitted eli5 bottom line
    practitioner practitioners test tested testing assessed""".split()
)
_COMPARED = re.compile(r"\b(than|differ(s|ent)? from|vs\.?|versus|compared (to|with)|relative to)\s", re.IGNORECASE)
MAX_FOLLOW_UP_WORDS = 3  # content words beyond ASKING_WORDS; a description of a topic has more


def is_follow_up(
    question: str, content_words: list[str], known: frozenset[str] = frozenset(), asks: bool | None = None
) -> bool:
    """'What method did they use?', 'any caveats?', 'how is the compressor trained?' (words of the paper in
    `known`): refers back, or only asks, and names nothing else to search for. `asks`: whether the question
    asks for a facet (by default: whether a wording rule names one)."""
    if is_topic_question(question) and detect_facet(question) != "similar":
        return False
    tail = set(re.findall(r"[a-z0-9]+", compared_with(question).lower()))
    if tail:  # "how is it different from earlier handwriting generators": names what it is compared with
        content_words = [word for word in content_words if word not in tail]
    extra = unknown_words(content_words, known)
    if _REFERENCE.search(question):
        return extra <= MAX_FOLLOW_UP_WORDS
    return extra <= 2 and (bool(detect_facet(question)) if asks is None else asks)


def compared_with(question: str) -> str:
    """What a question compares the paper with ("... than earlier handwriting generators", "vs SIREN"), or ""."""
    compared = _COMPARED.search(question)
    return question[compared.end() :] if compared else ""


def unknown_words(content_words: list[str], known: frozenset[str]) -> int:
    """How many of a question's content words neither only ask nor occur in the paper (`known`)."""
    return sum(1 for word in content_words if word not in ASKING_WORDS and _plain(word) not in known)


def known_words(text: str) -> frozenset[str]:
    """The words of a paper's title and abstract, as `is_follow_up` compares them."""
    return frozenset(_plain(word) for word in re.findall(r"[a-z0-9]+", text.lower()))


def _plain(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word

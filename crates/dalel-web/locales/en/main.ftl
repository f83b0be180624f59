# dalel's web app in English. Every message here must also be in kk/, ru/, zh/ and ug/main.ftl
# (a test checks). Vocabulary terms (vocab-*) are not here: English labels live in the model.

## Frame
nav-people = People
nav-new-testimony = Record a testimony
search-label = Find a person by name, in any script:
search-button = Search
language-switch = Language:

## People
people-title = People
people-count = { $count ->
    [one] { $count } person in the archive.
   *[other] { $count } people in the archive.
}
col-name = Name
col-other-names = Other names
col-born = Born
col-hometown = Hometown
next-page = Next page →

## Search
search-title = Search: { $query }
search-none = No one found.
search-too-long = A name of at most 200 characters, please.
col-score = Score
col-names = Names
col-matched = Matched

## A person
person-needs-look = Needs a look
person-names = Names
col-script = Script
col-language = Language
col-kind = Kind
person-facts = Facts
fact-sex = Sex
fact-born = Born
fact-ethnicity = Ethnicity
fact-relatives = Relatives (who testified, or linked as family)
fact-hometown = Hometown
fact-occupation = Occupation
fact-notes = Notes
person-id-numbers = Identity numbers
person-sources = What the sources say
person-no-sources = No testimony or episode refers to this person yet.
person-history = History
col-entry = Entry
col-time = Time
col-author = Author
col-hash = Hash
episode-from = from { $date }
episode-term = term { $term }
testimony-by = by the person's { $relation }
testimony-recorded = recorded { $date }
testimony-consent = consent: { $consent }
evidence-file = Evidence file
id-valid-cn = valid; born { $born }, { $sex }, registered in { $area } ({ $code })
id-valid-iin = valid; born { $born }, { $sex }
id-unknown-area = an unknown area
id-unchecked = no check for this kind of number
id-invalid = not valid: { $reason } (kept as given)
id-err-length-cn = has { $found } characters; expected 18 (or 15 on cards issued before 1999)
id-err-length-iin = has { $found } characters; expected 12
id-err-not-digit = character { $position } ({ $found }) must be a digit
id-err-birth-date = the birth date inside it ({ $date }) does not exist
id-err-check-digit = check digit is { $found }, expected { $expected }
id-err-century = the 7th digit ({ $digit }) names no century and sex
id-err-no-check-digit = no valid check digit exists for its first 11 digits
flag-invalid-id = ID number { $number } is not valid: { $reason }. It is kept as typed.
flag-birth-contradicts-id = The birth date { $stated } contradicts { $in_number } inside ID number { $number }.
flag-sex-contradicts-id = The sex contradicts the one inside ID number { $number }.

## Errors
error-not-found = Not found.
error-internal = Something went wrong on the server. Nothing you typed was saved; please try again.
error-bad-request = This request could not be read: { $reason }
error-back-home = Go to the start page

## Intake form
intake-title = Record a testimony
intake-intro = Fields marked * are needed. An ID number that looks wrong is never refused: it is kept as typed and flagged for review.
date-help = A year (1975), a month (1975-03), a day (1975-03-21), about a year (1975~), or a range (1975/1977).
lines-help = One per line.
section-testifier = The testifier
f-testifier-name = Name, in any script *
f-birth-date = Date of birth
f-id-numbers = ID numbers
f-contact = Phone or other contact
f-residence = Where they live now
section-consent = Consent
consent-public-help = May be published with the testifier's name and face.
consent-anonymised-help = May be published without the testifier's name, face or contact; evidence files only after a reviewer has redacted them.
consent-internal-help = Never published; only the team sees it.
section-recording = The recording
f-recorded-on = Recorded on
f-recorded-at = Recorded where
f-recorded-by = Recorded by
f-language = Language spoken
f-media-url = Link to the video or audio
section-persons = Who the testimony is about
person-n = Person { $n }
f-relation = The testifier is this person's *
f-names = Names, in any script *
f-gender = Sex
f-ethnicity = Ethnicity
f-hometown = Hometown
f-occupation = Occupation
f-same = Is this someone already in the archive?
same-new = No: a new person
same-open = open
same-look-up = Look these people up in the archive
add-person = Add another person
section-episodes = What happened
episode-n = Event { $n }
f-episode-person = To whom
f-episode-kind = What happened *
f-detention-kind = Kind of detention
f-episode-start = From
f-episode-end = Until
f-episode-facility = Facility (from the list of known ones)
facility-help = Type a town or a facility’s name and choose it from the list; if it is not there, leave this empty and write the place below.
f-episode-place = Place, as told
f-episode-charges = Charges
f-episode-term = Term
f-episode-source = How the testifier knows
add-episode = Add another event
transcript-n = Transcript or translation { $n }
add-transcript = Add a translation
section-survivor = If the testifier speaks of their own detention
q-cell-people = How many people were in the cell?
q-oldest = The oldest detainee
q-youngest = The youngest detainee
q-routine = The daily routine
q-food = Food
q-medical = Medical checks, injections, samples taken
q-classes = Classes
q-punishments = Punishments
q-other = Anything else
section-transcript = Transcript or translation
f-transcript-language = Language of the text
f-transcript-text = Text
f-is-translation = This is a translation
f-translated-by = Translated by
f-notes = Notes
choose = (choose)
save = Save the testimony
errors-title = Please correct these fields; nothing was saved yet:
err-required = { $field }: this is needed.
err-same-unknown = { $field }: there is no such person in the archive; choose one from the list, or a new person.
err-date = { $field }: “{ $value }” is not a date dalel reads.
err-choice = { $field }: “{ $value }” is not one of the choices.
err-facility = { $field }: “{ $value }” is not a facility of the list; choose one from it, or leave the field empty and write the place below.
err-url = { $field }: a link must start with https:// or http://.
err-too-long = { $field }: at most { $max } characters.
err-no-person = At least one person the testimony is about is needed, with a name and a relation.
saved-title = Testimony saved
saved-text = The testimony and { $persons ->
    [one] one person
   *[other] { $persons } people
} were saved.
saved-warnings = Please look at these warnings. What was typed was kept.
saved-maybe-same = Already in the archive, maybe the same person as { $name }:
said-same = The volunteer says this is the same person as this entry in the archive (a reviewer confirms it):
saved-no-same = No one in the archive looks like { $name }.
saved-another = Record another testimony

## Review
nav-review = Review queue
testimony-title = Testimony
review-title = Review
review-state = State:
review-comment = Comment (needed to return or withdraw)
review-queue = Review queue
col-state = State
col-comment = Comment
review-none = None.
review-needs-comment = This step needs a comment: say what to change, or why the testimony is withdrawn.
review-not-from = A testimony that is “{ $from }” cannot become “{ $to }”; someone may have taken a step meanwhile.
review-action-submit = Submit for review
review-action-start-review = Start reviewing
review-action-accept = Accept
review-action-return = Return with comments
review-action-publish = Publish
review-action-withhold = Withhold
review-action-withdraw = Withdraw

## Evidence files
evidence-title = Evidence files
evidence-none = No evidence file yet.
evidence-upload = Upload
evidence-choose = Photos of ID cards, court documents, videos, recordings:
evidence-no-js = Without JavaScript the files go in one request: a dropped connection means sending them again. Large videos upload better with JavaScript on, in chunks that resume.
evidence-refused-title = The file was not stored
evidence-refused-size = { $name }: the file is larger than the limit of { $limit } MiB; it was not stored.
evidence-refused-type = { $name }: the content is { $seen }, which is not accepted here (accepted: { $accepted }); it was not stored.
evidence-refused-none = No file was chosen.
evidence-stored-before = { $count } file(s) sent before it were stored.
evidence-back = Back to the testimony
evidence-waiting = connection lost, waiting to resume…
evidence-failed = the connection did not come back; try again later, the upload resumes where it stopped.
col-file = File
col-type = Type
col-size = Size

## Signing in
login-title = Sign in
login-name = Account name
login-password = Password
login-code = Code from your authenticator app (only if your account uses one)
login-button = Sign in
login-failed = The account name, the password or the code is wrong.
login-throttled = Too many failed attempts. Wait a quarter of an hour and try again.
login-expired = This form has expired. Please type your name and password again.
signed-in-as = { $name } ({ $role })
logout-button = Sign out
error-forbidden = Your role does not allow this.
error-csrf = This form has expired or did not come from dalel's own page. Reload the page and try again.

# The pairs' review queue (pairs.rs)
nav-pairs = Pairs to review
pairs-title = Pairs to review
pairs-count = { $count } pairs the linker was unsure of, the most likely first.
pairs-none = No pairs to review.
pair-open = Compare
pair-first = First record
pair-second = Second record
pair-record = the record
pair-title = The same person?
pair-score = The linker's match probability: { $score }
pair-reasons = What agrees and what does not
pair-note = Note (why)
pair-same = The same person (S)
pair-different = Not the same person (D)
pair-skip = Next pair (N)
pair-history = Decisions on this pair
pair-verdict = Decision
pair-linker = the linker

# A victim entry (entry.rs)
person-entry = The entry this record belongs to, with every linked record
entry-cite = Cite as dalel entry
entry-level = Evidence level
entry-cut = Only the first { $count } records of this entry are shown.
entry-records = Records
entry-disagree = The records disagree: both are kept.
entry-timeline = Timeline
entry-no-episodes = No episodes recorded.
entry-sources = Sources
entry-testified = Who testified
timeline-release-before-detention = A release dated before any detention: check the dates.
timeline-prison-without-sentence = A prison term with no sentence before it.
timeline-before-birth = Dated before the person was born.
timeline-after-death = Dated after the person's death.
timeline-ends-before-start = Ends before it begins.

## The public site (dalel publish --static)
site-title = Victims' database
site-head = Published from ledger entry { $seq }, head hash
site-empty = Nothing is published yet.
site-entries = Entries ({ $count })
site-pages = Pages of the list
site-downloads = Downloads
site-downloads-check = The published database as FollowTheMoney JSON lines, CSV and dalel JSON lines. Each file's SHA-256 is in SHA256SUMS, and the dalel file's first line names the ledger head it was exported at, so that anyone can check a copy later.
site-cite = How to cite
site-cite-text = dalel victims' database, entry { $id }. The entry's id never changes: records merged into it later keep their own ids, which lead here.

## Statistics (the public site)
stats-title = Statistics
stats-intro = Counts of the { $count } published entries. They describe who is in this database, not everyone who was detained: people are here because a relative abroad, a survivor or a document spoke of them, so families with relatives abroad (many of them Kazakh), and the years and places those relatives could still hear from, are counted more than others. A count is a floor, never an estimate of the whole.
stats-col-value = Value
stats-col-count = Entries
stats-csv = These numbers as CSV
stats-disagree = The records disagree
stats-unknown = Not known
stats-age-years = aged { $years }
stats-sentence-years = { $years } years
stats-sentence-under-1 = Under a year
stats-sentence-life = Life
stats-sentence-death = Death
stats-ethnicity-title = Ethnicity
stats-ethnicity-note = As the testimonies state it. Kazakhs are over-represented: most testimonies come from relatives in Kazakhstan.
stats-prefecture-title = Prefecture of registration
stats-prefecture-note = Read from the area code of a Chinese resident ID number; an entry without one counts as not known. A card keeps the code it was issued with, which may not be where the person lived when detained.
stats-detention-year-title = Year of the first detention
stats-detention-year-note = The earliest detention an entry's sources date to one year; a date known only as a range of years counts as the records disagreeing. Recent years are undercounted: news takes time to leave the region.
stats-status-title = Status now
stats-status-note = The status the latest dated episode states. Many statuses are years old: "detained" means detained when last heard of.
stats-evidence-level-title = Evidence level
stats-evidence-level-note = How well the sources support each entry (see an entry's page for why).
stats-age-title = Age at the first detention
stats-age-note = From the birth date and the date of the first detention. Where either is vague ("about 1975", "in his 40s"), the age is shown as the range it may be, not made precise.
stats-sentence-title = Length of the longest sentence
stats-sentence-note = As the sources give the term, in years; a term given in other words counts as not known. Sentences are known for few entries: trials are rarely public.

## Dates and evidence levels in the reader's language
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
month-1-of = January
month-2-of = February
month-3-of = March
month-4-of = April
month-5-of = May
month-6-of = June
month-7-of = July
month-8-of = August
month-9-of = September
month-10-of = October
month-11-of = November
month-12-of = December
date-year = { $year }
date-month = { $month } { $year }
date-day = { $day } { $month } { $year }
date-about = about { $date }
date-range = { $from } – { $to }
level-official = a source is an official document
level-files = { $count ->
    [one] one evidence file attached
   *[other] { $count } evidence files attached
}
level-independent = { $count } independent sources
level-valid-id = one source, with an ID number that passes its check
level-full-birth = one source, with a full birth date
level-one-source = one source

## Detention facilities (the public site)
fac-title = Facilities
fac-intro = Camps, detention centres and prisons in Xinjiang as located from satellite imagery and reports by BuzzFeed News, with the published entries whose episodes name them.
fac-map = A map of { $count } detention facilities in Xinjiang; { $named } are named in published entries.
fac-legend-named = larger dots are named in published entries and lead to their page.
fac-legend-counts = The number by each prefecture's name: published entries that name its facilities.
fac-col-prefecture = Prefecture
fac-col-facilities = Facilities
fac-col-entries = Entries naming them
fac-named = Facilities named in published entries ({ $count })
fac-all = All facilities, by prefecture
fac-town = Town
fac-type = Type
fac-corroboration = Corroboration (as the source gives it)
fac-location = Latitude, longitude
fac-sources = Reports and research
fac-entries = Published entries that name it
fac-no-entries = No published entry names a facility of this list yet.

## The live public site (dalel serve --site)
public-search-label = Names in any script, words of the testimonies, or an entry's id:
public-sort = Order:
public-sort-relevance = Best match
public-sort-name = Name
public-sort-year = Year of detention
public-sort-level = Evidence level
public-filters = Filters
public-clear = Clear all filters
public-more-values = and { $count } more, less frequent
public-found = { $count ->
    [one] One entry
   *[other] { $count } entries
}
public-found-about = About { $count } entries
public-sampled = So many entries answer this search that the entries listed, their number and the counts beside the filters are worked out from a random sample of { $sample } of them: the number and the counts are estimates, and only the sample's entries are listed. Add words or filters to see every entry; the statistics of these entries count them all.
public-stats-of-these = Statistics of these entries
public-previous = Previous page
public-next = Next page
public-page = Page { $page } of { $pages }
public-detained-in = detained in { $year }
public-stats-filtered = These counts are of the entries the chosen filters and search select, not of all entries.
public-stats-see-entries = See these entries.
public-facet-county = County of registration
public-facet-episode = What happened
public-facet-facility = Facility
public-facet-language = Language of the testimony

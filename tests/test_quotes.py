"""Quotations and their speakers: one short hand-written case per pattern, through the real
spaCy pipeline and the real corpus stage (so speakers come out as canonical full names)."""

from __future__ import annotations

import pytest

from storyline.analyze import analyze_articles
from storyline.corpus import attribute_quotes, consolidate
from storyline.model import Article
from storyline.settings import Settings

INTRO = "Donald Trump met Moon Jae-in at the White House on Tuesday. "
TRUMP, MOON = "Donald Trump", "Moon Jae-in"

# (name, text, the exact set of quotes: (kind, text, speaker)); an over-merged or a spurious quote fails
CASES = [
    ("speaker after", INTRO + "“We are going to have a great relationship,” Trump said.",
     {("direct", "We are going to have a great relationship,", TRUMP)}),
    ("inverted cue", INTRO + "“It was a very productive meeting,” said Moon Jae-in.",
     {("direct", "It was a very productive meeting,", MOON)}),
    ("speaker before with comma", INTRO + "Trump told reporters, “We will meet again very soon.”",
     {("direct", "We will meet again very soon.", TRUMP)}),
    ("colon introduction", INTRO + "Moon said: “Peace on the peninsula is within reach.”",
     {("direct", "Peace on the peninsula is within reach.", MOON)}),
    ("cue in the middle", INTRO + "“We will,” Trump said, “meet again in the summer.”",
     {("direct", "We will … meet again in the summer.", TRUMP)}),
    ("multi-sentence quote", INTRO + "“I like him. He likes me. We get along,” Trump said.",
     {("direct", "I like him. He likes me. We get along,", TRUMP)}),
    ("previous sentence names the speaker",
     INTRO + "Moon spoke to reporters after the lunch.\n\n“The door to dialogue is open.”",
     {("direct", "The door to dialogue is open.", MOON)}),
    ("pronoun", INTRO + "Moon thanked his host. “This meeting gives us hope,” he said.",
     {("direct", "This meeting gives us hope,", MOON)}),
    ("pronoun after an intervening person",
     INTRO + "Trump praised the talks with Moon. “It went very well,” he said.",
     {("direct", "It went very well,", TRUMP)}),
    ("title", "South Korean President Moon Jae-in arrived in Washington on Tuesday for talks with Donald Trump. "
     "“We share one goal,” the president said.",
     {("direct", "We share one goal,", MOON)}),
    ("pronoun in a relative clause", "President Donald Trump met Moon Jae-in on Tuesday. The president "
     "then announced a halt to the drills, which he described as “very provocative and expensive.”",
     {("partial", "as “very provocative and expensive.”", TRUMP)}),
    ("plain title among two presidents", "President Donald Trump hosted South Korean President Moon Jae-in on "
     "Tuesday.\n\n“We are making great progress,” the president said.",
     {("direct", "We are making great progress,", TRUMP)}),
    ("apposition speaker", "Jenny Town, director of 38 North, said the talks were a step forward. "
     "“Nothing is agreed until everything is agreed,” Town said.",
     {("direct", "Nothing is agreed until everything is agreed,", "Jenny Town"),
      ("indirect", "the talks were a step forward", "Jenny Town")}),
    ("told reporters", INTRO + "Trump told reporters that he would like to meet Kim Jong Un this year.",
     {("indirect", "he would like to meet Kim Jong Un this year", TRUMP)}),
    ("told an audience that", INTRO + "Trump told a news conference in Hanoi that North Korea had wanted all "
     "sanctions lifted.", {("indirect", "North Korea had wanted all sanctions lifted", TRUMP)}),
    ("according to", INTRO + "According to Moon Jae-in, the two leaders agreed to keep talking.",
     {("indirect", "the two leaders agreed to keep talking", MOON)}),
    ("wrote on a platform", INTRO + "Trump wrote on Twitter: “A great day for the world!”",
     {("direct", "A great day for the world!", TRUMP)}),
    ("partial quote with a naming verb", INTRO + "Trump called Kim Jong Un a “smart guy” on Friday.",
     {("partial", "Kim Jong Un a “smart guy” on Friday", TRUMP)}),
    ("partial quote in reported speech",
     INTRO + "Moon said the summit had been “a turning point for the Korean Peninsula” in every way.",
     {("partial", "the summit had been “a turning point for the Korean Peninsula” in every way", MOON)}),
    ("quote across paragraphs", INTRO + "Moon spoke first. “We came a long way to be here.\n\n"
     "“And we will go further still,” he said.",
     {("direct", "We came a long way to be here.", MOON), ("direct", "And we will go further still,", MOON)}),
    ("dash signature", "Readers wrote in after the summit.\n\n“It gives me hope for my grandchildren.” ― Eun-ji Park",
     {("direct", "It gives me hope for my grandchildren.", "Eun-ji Park")}),
    ("two speakers in a paragraph", INTRO + "“Let us be friends,” said Trump. “Friends need trust,” Moon replied.",
     {("direct", "Let us be friends,", TRUMP), ("direct", "Friends need trust,", MOON)}),
    ("nested quotes", INTRO + "“He told me, ‘Call me any time,’ and I believe him,” Moon said.",
     {("direct", "He told me, ‘Call me any time,’ and I believe him,", MOON)}),
    ("participle shares the subject",
     INTRO + "Trump attacked the plan on Monday, saying, “It is a very bad deal for our country.”",
     {("direct", "It is a very bad deal for our country.", TRUMP)}),
    ("inverted capitalised cue",
     INTRO + "Moon was asked about the plan.\n\nSaid Moon: “We are ready to talk at any time.”",
     {("direct", "We are ready to talk at any time.", MOON)}),
    ("setup sentence", INTRO + "Moon looked tired after the flight. “It has been a long week,” he admitted later.",
     {("direct", "It has been a long week,", MOON)}),
    ("straight quotes", INTRO + "\"We made a lot of progress,\" Trump said.",
     {("direct", "We made a lot of progress,", TRUMP)}),
    # other domains and names
    ("sport: a quote interrupted by its cue and a full stop", "Maria Alvarez watched her team lose 3-1 on "
     "Saturday. “We gave away two easy goals,” Alvarez said. “That cannot happen again.”",
     {("direct", "We gave away two easy goals … That cannot happen again.", "Maria Alvarez")}),
    ("weather: a long description between the parts", "Floods reached the old town on Friday.\n\n“The river "
     "has never risen this fast,” said Tomas Berg, the town's flood warden, “and it is still rising.”",
     {("direct", "The river has never risen this fast … and it is still rising.", "Tomas Berg")}),
    ("markets: a second part with its own cue is another quote", "Markets slipped on Monday. “Prices will "
     "fall,” Priya Natarajan said, adding, “but not before the spring.”",
     {("direct", "Prices will fall,", "Priya Natarajan"), ("direct", "but not before the spring.", "Priya Natarajan")}),
    ("science: cue with a relative clause", "Astronomers found a new comet last week. “The data leave no doubt,” "
     "wrote Keiko Mori, who led the team.", {("direct", "The data leave no doubt,", "Keiko Mori")}),
    ("politics: accused of", "Opposition leader Daniel Moreau accused the government of hiding the audit from "
     "parliament.", {("indirect", "hiding the audit from parliament", "Daniel Moreau")}),
    ("city: called on", "Mayor Lena Fischer called on residents to save water during the heatwave.",
     {("indirect", "residents to save water during the heatwave", "Lena Fischer")}),
    ("economy: believes", "The economist Hiroshi Tanaka believes that interest rates will stay low until next year.",
     {("indirect", "interest rates will stay low until next year", "Hiroshi Tanaka")}),
    ("football: insisted", "The coach, Aaron Blake, insisted that the referee had made the right call.",
     {("indirect", "the referee had made the right call", "Aaron Blake")}),
    ("medicine: a nominal cue", "Sofia Lindqvist's claim that the vaccine trial was rushed drew criticism.",
     {("indirect", "the vaccine trial was rushed", "Sofia Lindqvist")}),
    ("a president is not the vice president", "Vice President Alan Reyes and President Maria Soto opened the "
     "new bridge on Monday.\n\n“This bridge joins two provinces,” the president said.",
     {("direct", "This bridge joins two provinces,", "Maria Soto")}),
    ("the vice president", "Vice President Alan Reyes and President Maria Soto opened the new bridge on "
     "Monday.\n\n“We finished it early,” the vice president said.",
     {("direct", "We finished it early,", "Alan Reyes")}),
    ("a minister holding that very title", "Defense Minister Jonas Berg and Foreign Minister Ilse Varga spoke in "
     "Oslo on Tuesday.\n\n“Our borders are secure,” the defense minister said.",
     {("direct", "Our borders are secure,", "Jonas Berg")}),
    ("an organisation speaks", "The World Health Organization said in a statement that the outbreak was under "
     "control.", {("indirect", "the outbreak was under control", "World Health Organization")}),
    ("a country speaks", "Rain fell for a week in the valley. Germany said it would send more engineers to the "
     "flooded region.", {("indirect", "it would send more engineers to the flooded region", "Germany")}),
    ("aviation: criticized for", "Senator Ruth Okafor criticized the airline for cancelling hundreds of flights "
     "without notice.", {("indirect", "the airline for cancelling hundreds of flights without notice", "Ruth Okafor")}),
    ("praise of a thing is no statement", "Senator Ruth Okafor praised the new airport on Monday.", set()),
    ("farming: a short fragment in a reported clause", "The harvest was poor. Ines Moreno said the drought "
     "had come “too early” for the valley.",
     {("partial", "the drought had come “too early” for the valley", "Ines Moreno")}),
    ("finance: the speaker of the outer cue", "Lars Nilsen said most investors have come to believe “that the "
     "worst is over.”", {("partial", "most investors have come to believe “that the worst is over.”", "Lars Nilsen")}),
    ("stadium: a label ends with its quotation", "Pedro Alves described the new stadium as a “cathedral of "
     "football” on Sunday at the opening.",
     {("partial", "the new stadium as a “cathedral of football”", "Pedro Alves")}),
    ("football: a label of three quotations is one statement", "Pedro Alves called the referee a “disgrace,” "
     "“blind” and “a danger to the sport” after the match on Sunday.",
     {("partial", "the referee a “disgrace,” “blind” and “a danger to the sport”", "Pedro Alves")}),
    ("election night: and added", "The vote failed. “We lost tonight,” Mara Quinn said, and added: “We will be "
     "back next year.”", {("direct", "We lost tonight,", "Mara Quinn"), ("direct", "We will be back next year.",
                                                                        "Mara Quinn")}),
    ("ferries: an organisation named in an apposition", "The ferry stayed in port for a week. Its owner, the "
     "Baltic Ferry Company, said the engines would be replaced by March.",
     {("indirect", "the engines would be replaced by March", "Baltic Ferry Company")}),
    ("shipping: a company the NER takes for a product", "Container prices rose again. Maersk, the shipping line, "
     "said it would add two ships to the route.", {("indirect", "it would add two ships to the route", "Maersk")}),
    ("health: a ministry in a statement", "The Health Ministry said in a statement that two new clinics would open "
     "in the north.", {("indirect", "two new clinics would open in the north", "Health Ministry")}),
    ("school: an archive's two apostrophes as quotation marks", "The school burned down in May. ''We will rebuild "
     "it by the autumn,'' said Helena Varga, the head teacher.",
     {("direct", "We will rebuild it by the autumn,", "Helena Varga")}),
    ("inquiry: a quotation running over two paragraphs", "Ruth Okafor, who chairs the committee, opened the "
     "hearing on Monday.\n\n“We will call every witness.\n\n“Nobody will be spared a question,” she said.",
     {("direct", "We will call every witness.", "Ruth Okafor"), ("direct", "Nobody will be spared a question,",
                                                               "Ruth Okafor")}),
    ("rescue: a one-word quote", "The rescue diver surfaced at noon.\n\n“Brilliant,” said Ella Marsh.",
     {("direct", "Brilliant,", "Ella Marsh")}),
    ("club: a second cue conjoined to the first is a second statement", "The season opened on Friday. Club "
     "president Anna Berg said the team would keep its coach and warned that ticket prices would rise.",
     {("indirect", "the team would keep its coach", "Anna Berg"),
      ("indirect", "ticket prices would rise", "Anna Berg")}),
    ("polls: a cue inside a statement is part of it", "Tom Reyes said most voters believe the mayor will win easily.",
     {("indirect", "most voters believe the mayor will win easily", "Tom Reyes")}),
    ("fire: according to with an apposition", "According to fire chief Paul Dunne, the blaze started in the "
     "kitchen of the bakery.", {("indirect", "the blaze started in the kitchen of the bakery", "Paul Dunne")}),
    ("radio: a transcript's speaker labels", "Radio host Dana Whitfield spoke with the fire chief, Omar Haddad, "
     "on Sunday.\n\n\"WHITFIELD: How close did the fire come to the town?\n\n\"HADDAD: Within a mile. We moved "
     "everyone out by noon, and nobody was hurt.",
     {("direct", "How close did the fire come to the town?", "Dana Whitfield"),
      ("direct", "Within a mile. We moved everyone out by noon, and nobody was hurt.", "Omar Haddad")}),
    ("traffic: a label that names nobody stays in the quote", "The bridge was closed for a week.\n\n“UPDATE: The "
     "bridge reopened at six,” the transport office said.",
     {("direct", "UPDATE: The bridge reopened at six,", None)}),
    ("television: a curly quotation inside a straight one", "Ida Lund came home late.\n\n\"We watched an episode "
     "of “Bake Off” at my sister's. Then we drove back,\" said Ida Lund.",
     {("direct", "We watched an episode of “Bake Off” at my sister's. Then we drove back,", "Ida Lund")}),
    ("museum: a quotation after \"said that,\" is inside the reported clause", "The museum director, Clara Voss, "
     "said that, “Every painting will come home,” once the loan ends in May.",
     {("partial", "“Every painting will come home,” once the loan ends in May", "Clara Voss")}),
    ("food: a further cue after a mixed quotation is another statement", "The chef Marco Bellini said the new "
     "menu was “a love letter to Naples” and urged diners to book early.",
     {("partial", "the new menu was “a love letter to Naples”", "Marco Bellini"),
      ("indirect", "diners to book early", "Marco Bellini")}),
    ("engineering: a participle is the speaker's second statement", "The engineer Hana Sato said the bridge "
     "needed new cables, arguing that the old ones had rusted through.",
     {("indirect", "the bridge needed new cables", "Hana Sato"),
      ("indirect", "the old ones had rusted through", "Hana Sato")}),
    ("sport: two fragments joined by \"and\" stay one statement", "Coach Ana Ribeiro said her players were "
     "“tired” and “hungry” and warned that the league was too long.",
     {("partial", "her players were “tired” and “hungry”", "Ana Ribeiro"),
      ("indirect", "the league was too long", "Ana Ribeiro")}),
    ("farming: \"adding that\" after a direct quote", "The farmer Jonas Holt said on the radio, “We lost the "
     "whole crop,” adding that “the insurance will not cover it.”",
     {("direct", "We lost the whole crop,", "Jonas Holt"),
      ("partial", "“the insurance will not cover it.”", "Jonas Holt")}),
    ("elections: another clause's cue with its own subject stays in the statement", "The pollster Lea Marsh "
     "said that turnout would fall and that many voters would complain about the queues.",
     {("indirect", "turnout would fall and that many voters would complain about the queues", "Lea Marsh")}),
    ("markets: a name like a cue word in the speaker's description", "Markets were calm on Monday.\n\n\"Rates "
     "will stay low for a while,\" said Ines Ford, an analyst at the Harbour Report. \"Nobody expects a cut.\"",
     {("direct", "Rates will stay low for a while … Nobody expects a cut.", "Ines Ford")}),
    ("library: another subject's cue in the speaker's description", "The gala raised money for the new library."
     "\n\n“The library belongs to everyone,” Mayor Tom Brandt said at the dinner in Riverside, where the author "
     "Lisa Kent also spoke. “It will open in June.”",
     {("direct", "The library belongs to everyone … It will open in June.", "Tom Brandt")}),
    ("roads: a reply with a cue of its own is another quote; a title before the name", "A van slid off the road "
     "near the pass.\n\n“Is anyone hurt?” the medic Jana Vos asked. When the driver shook his head, she replied: "
     "“Good.”", {("direct", "Is anyone hurt?", "Jana Vos"), ("direct", "Good.", "Jana Vos")}),
    ("transfers: a surname the tagger reads as a plural noun", "The striker Leon Rivers signed for the club on "
     "Monday.\n\n\"It is a dream come true,\" Rivers said, thanking the fans.",
     {("direct", "It is a dream come true,", "Leon Rivers")}),
    ("gardens: another surname read as a noun, in reported speech", "The gardener Ruth Fields opened her garden "
     "on Sunday. Fields said the roses had never bloomed so early.",
     {("indirect", "the roses had never bloomed so early", "Ruth Fields")}),
    ("music: a participle after the name it follows", "The clip ends with footage of Nora Quist saying, “Who is "
     "ready to dance?”", {("direct", "Who is ready to dance?", "Nora Quist")}),
    ("parks: criticism for saying", "The mayor Ada Novak drew criticism for saying that the park would be sold to a "
     "developer.", {("indirect", "the park would be sold to a developer", "Ada Novak")}),
    ("science: went on to say, after praise", "The chemist Paul Ostrow praised the students, going on to say that "
     "the lab needed more funding.", {("indirect", "the lab needed more funding", "Paul Ostrow")}),
    ("rowing: a quotation subordinated by \"that\" after a comma", "The coach Mia Laine said on Sunday that after "
     "the final whistle, “we all cried like children.”",
     {("partial", "after the final whistle, “we all cried like children.”", "Mia Laine")}),
    ("fairs: a quotation subordinated by \"because\"", "The organiser Tom Ekberg said the fair had lost money, which "
     "was a worry because, “without a sponsor, there is no fair next year.”",
     {("partial", "the fair had lost money, which was a worry because, “without a sponsor, there is no fair next "
                  "year.”", "Tom Ekberg")}),
    ("health: the rest of a statement the parser hangs on the cue", "The surgeon Nadia Berg said there remains a "
     "“huge gap between cities and villages,” when it comes to how many doctors work in each.",
     {("partial", "there remains a “huge gap between cities and villages,” when it comes to how many doctors work "
                  "in each", "Nadia Berg")}),
    ("budget: a clause about the speaker is not her statement", "The mayor Lena Holt said the budget was “balanced "
     "at last,” but she has also raised parking fees twice this year.",
     {("partial", "the budget was “balanced at last,”", "Lena Holt")}),
    ("ferries: reported speech interrupted by its cue", "The Ferry Board met on Monday. The old pier, the harbour "
     "master Ilse Brandt said, would be closed until the spring.",
     {("indirect", "The old pier … would be closed until the spring", "Ilse Brandt")}),
    ("council: the cue between two clauses of one statement", "Kai Moreno spoke after the vote. The budget was too "
     "small, Moreno said, although the council had tried its best.",
     {("indirect", "The budget was too small … although the council had tried its best", "Kai Moreno")}),
    ("shipping: according to, at the end of a paragraph", "The Harbour Group published its report on Friday. "
     "Profits fell sharply last year, according to the chairman, Olaf Dahl.\n\nThe shares rose.",
     {("indirect", "Profits fell sharply last year", "Olaf Dahl")}),
    ("dams: a bare object is what was stressed", "The senator Ruth Okafor stressed the need to repair the old dams "
     "before winter.", {("indirect", "the need to repair the old dams before winter", "Ruth Okafor")}),
    ("steel: condemned", "The union leader Paul Rask condemned the closure of the steel plant in Hull.",
     {("indirect", "the closure of the steel plant in Hull", "Paul Rask")}),
    ("football: a negated cue says nothing", "The coach Ivo Lenz did not mention the injury that kept him out of "
     "the final.", set()),
    ("libraries: a nominal cue, suggestion", "The council rejected Dana Holm's suggestion that the old library "
     "should be sold.", {("indirect", "the old library should be sold", "Dana Holm")}),
    ("police: questioning people is no statement", "Detectives questioned about 30 people on Tuesday, Inspector "
     "Mara Lund said.", {("indirect", "Detectives questioned about 30 people on Tuesday", "Mara Lund")}),
    ("hearing: a curly quotation closed by a straight mark, and \"adding that\" after it", "The hearing ran "
     "late.\n\n“Immunity deals should not be a requirement for cooperating with the FBI,\" the committee chair "
     "Rosa Tilden said in a statement, adding that the deals were handed out \"like candy.\"",
     {("direct", "Immunity deals should not be a requirement for cooperating with the FBI,", "Rosa Tilden"),
      ("partial", "the deals were handed out \"like candy.\"", "Rosa Tilden")}),
    ("elections: a straight quotation inside a curly one", "The vote was close.\n\n“He called it \"fake,\" and I "
     "laughed,” said Omar Reyes.", {("direct", "He called it \"fake,\" and I laughed,", "Omar Reyes")}),
    ("concert: a participle with its addressee introduces the second quotation", "The singer Ada Blom performed at "
     "the rally.\n\n“Keep your hands where I can see them,” Blom sings to the crowd before asking them, “Where do we "
     "go from here?”", {("direct", "Keep your hands where I can see them,", "Ada Blom"),
                         ("direct", "Where do we go from here?", "Ada Blom")}),
    ("council: a reported clause the parser hangs on the cue as an adverbial clause", "Mayor Lena Fischer spoke "
     "on Monday. Fischer said after the meeting she would not sign the budget if it were passed.",
     {("indirect", "after the meeting she would not sign the budget if it were passed", "Lena Fischer")}),
    ("resignation: an adverbial clause of time is not what was said", "The anchor Liz Moreau left in May. Moreau "
     "said nothing when she resigned from the network after ten years.", set()),
    ("taxes: called X a Y", "The senator Ruth Okafor called the tax a disgrace.",
     {("indirect", "the tax a disgrace", "Ruth Okafor")}),
    ("sport: described X as Y", "The coach Ivo Lenz described the defeat as the worst day of his career.",
     {("indirect", "the defeat as the worst day of his career", "Ivo Lenz")}),
    ("schools: told X to", "The principal Maria Soto told her teachers to close the school early.",
     {("indirect", "her teachers to close the school early", "Maria Soto")}),
    ("floods: calling a meeting is no statement", "The mayor Lena Fischer called an emergency meeting to discuss "
     "the flood.", set()),
    ("tunnels: a fragment is reported in the outermost speaker's clause", "The minister Eva Lind said Tom Brandt "
     "once described the tunnel as “a hole full of money” when he was mayor.",
     {("partial", "Tom Brandt once described the tunnel as “a hole full of money” when he was mayor", "Eva Lind")}),
    ("league: a further cue reports its own fragment", "Coach Ana Ribeiro said her players were “exhausted,” "
     "adding that the league had to “rethink the whole calendar.”",
     {("partial", "her players were “exhausted,”", "Ana Ribeiro"),
      ("partial", "the league had to “rethink the whole calendar.”", "Ana Ribeiro")}),
    ("city hall: a speech verb's clause holding the fragment is that speaker's", "The spokesman Ole Brandt said "
     "Mayor Ada Novak replied that the city should “wait for the report” before acting.",
     {("partial", "the city should “wait for the report” before acting", "Ada Novak")}),
    ("museums: a dateline the parser takes for the subject", "WASHINGTON -- President Ana Soto, opening the new "
     "museum on Saturday, said it would tell an American story.",
     {("indirect", "it would tell an American story", "Ana Soto")}),
    ("sayings: a people is not its country", "Mexico lies south of the border.\n\n“Poor Mexico, so far from God "
     "and so close to the United States,” Mexicans often say.",
     {("direct", "Poor Mexico, so far from God and so close to the United States,", "Mexicans")}),
    ("climate: a cue the parser hangs on the sentence as an aside", "Barack Obama spoke. During his years in "
     "office, Mr. Obama said, a majority of voters have come to believe \"that the climate is changing.\"",
     {("partial", "a majority of voters have come to believe \"that the climate is changing.\"", "Barack Obama")}),
    ("schools: responded by saying", "The mayor Ada Novak responded to a parent on Wednesday night by saying the "
     "new school was “safe and ready.”", {("partial", "the new school was “safe and ready.”", "Ada Novak")}),
    ("budget: despite admitting", "The mayor Ada Novak, despite admitting that the budget was “a mess,” said the "
     "city would cope.", {("partial", "the budget was “a mess,”", "Ada Novak"),
                          ("indirect", "the city would cope", "Ada Novak")}),
    ("selection: a relative clause's cue is someone else's", "The coach Ivo Lenz was defensive when asked about a "
     "player who said he had been dropped unfairly, saying, “Nobody is dropped unfairly in my team.”",
     {("direct", "Nobody is dropped unfairly in my team.", "Ivo Lenz")}),
    # beliefs and intentions: "wants to", "refused to" report what someone means to do
    ("city: an intention", "The mayor Ada Novak wants to rebuild the old bridge by next spring.",
     {("indirect", "to rebuild the old bridge by next spring", "Ada Novak")}),
    ("sport: a refusal", "The striker Paolo Ferri refused to apologise for the tackle on Saturday.",
     {("indirect", "to apologise for the tackle on Saturday", "Paolo Ferri")}),
    ("dance: an intention holding a quoted fragment", "The dancer Mei Lin wants to “bring ballet to every "
     "village,” she said on Friday.", {("partial", "to “bring ballet to every village,”", "Mei Lin")}),
    ("police: an intention inside a statement is part of it", "Inspector Maria Lund said the driver ignored the "
     "signal and refused to stop.", {("indirect", "the driver ignored the signal and refused to stop", "Maria Lund")}),
    ("aviation: an intention someone reports is theirs", "The airline Nordwind plans to cut 300 jobs and close two "
     "bases, its chief executive Jonas Berg said.",
     {("indirect", "The airline Nordwind plans to cut 300 jobs and close two bases", "Jonas Berg")}),
    ("politics: a refusal a spokesman reports", "Senator Alma Ruiz voted against the bill. Ruiz refuses to back any "
     "budget that cuts school meals, her spokesman Tom Hale said.",
     {("indirect", "Ruiz refuses to back any budget that cuts school meals", "Tom Hale")}),
    ("football: wanting a thing is no statement", "The coach Ivo Lenz wants a new striker. He wants more goals.",
     set()),
    # a body named by its head noun ("the ministry", "the police") is the article's one body so named
    ("health: the ministry", "Ghana's Ministry of Health confirmed three new cases on Monday. The ministry said "
     "the vaccines would arrive next week.",
     {("indirect", "the vaccines would arrive next week", "Ministry of Health")}),
    ("weather: the police", "Snow fell across Norway overnight and the Oslo Police District closed the E18 "
     "motorway. “Stay at home if you can,” the police said.",
     {("direct", "Stay at home if you can,", "Oslo Police District")}),
    ("fire: the head noun and its modifier", "Officers from the Lyon Fire Brigade reached the warehouse at noon. "
     "The fire brigade said the roof had collapsed.", {("indirect", "the roof had collapsed", "Lyon Fire Brigade")}),
    # a group no actor stands for is named by its words as written: a party or a people, a body's plural
    ("congress: a party", "The House voted on the farm bill on Thursday. Republicans said the subsidies were too "
     "generous.", {("indirect", "the subsidies were too generous", "Republicans")}),
    ("city hall: a party with its chamber", "Council Democrats say the new tram line will open in 2027.",
     {("indirect", "the new tram line will open in 2027", "Council Democrats")}),
    ("crime: a body's plural", "A jeweller in Lyon was robbed on Monday. Police say two men escaped on a scooter.",
     {("indirect", "two men escaped on a scooter", "Police")}),
    ("flood: authorities, direct", "The river burst its banks near Dresden. “Leave your homes now,” authorities "
     "said.", {("direct", "Leave your homes now,", "authorities")}),
    ("science: a crowd is no body", "Experts say the comet will return in 2061. Many Democrats said the bill was "
     "late.", {("indirect", "the comet will return in 2061", None), ("indirect", "the bill was late", None)}),
    ("finance: two ministries, no guess", "The Ministry of Health and the Ministry of Finance met on Monday. The "
     "ministry said the budget was tight.", {("indirect", "the budget was tight", None)}),
    # a second quotation whose own cue comes after the reporter's words is another quote, and a
    # mixed one, since the sentence runs on after its closing mark
    ("banking: the second part's own cue later", "Senator Lisa Warden questioned the bank chief on Tuesday.\n\n"
     "“This just is not right,” Warden said. “You pushed every clerk to the limit” to lift the share price and "
     "your pay, she said.",
     {("direct", "This just is not right,", "Lisa Warden"),
      ("partial", "“You pushed every clerk to the limit” to lift the share price and your pay", "Lisa Warden")}),
    # a fragment embedded in a clause an earlier cue reports is its own quote; the next part another
    ("film: embedded part after an earlier cue", "Director Ava Moreno screened her new film in Atlanta on Friday."
     "\n\nMoreno said she felt the 14th Amendment was worth examining because “most people do not know about "
     "that loophole,” she said. “We have no context for this moment if we do not know where we came from.”",
     {("partial", "she felt the 14th Amendment was worth examining because “most people do not know about that "
       "loophole,”", "Ava Moreno"),
      ("direct", "We have no context for this moment if we do not know where we came from.", "Ava Moreno")}),
    # ... but an embedded first part with no cue before it still opens the statement its cue interrupts
    ("policy: embedded part, no cue before", "Victor Lund advised the State Department for a decade.\n\n"
     "Both parties “saw the island as a place under pressure,” said Lund. “In that sense, it was like pushing on "
     "an open door.”",
     {("direct", "saw the island as a place under pressure … In that sense, it was like pushing on an open door.",
       "Victor Lund")}),
    # the reporter's asides after a reported clause are not what was said
    ("health: a relative clause after the statement", "Don Fowler chairs the party in South Carolina.\n\n"
     "Fowler said he expects the senator to fully recover from her bout with pneumonia, which forced her to leave "
     "a memorial event early.",
     {("indirect", "he expects the senator to fully recover from her bout with pneumonia", "Don Fowler")}),
    ("congress: a semicolon ends the statement", "The committee chairman, Rob Dale, said the timing of the news "
     "was not intentional; the staff only learned on Friday of the deals.",
     {("indirect", "the timing of the news was not intentional", "Rob Dale")}),
    # a fragment that runs into a next sentence keeps the cue of its first
    ("media: a fragment over two sentences", "Claiming the criticism of the host was designed to pressure the "
     "panel, Mayor Ken Orr told reporters that “they hit the host because they said he should have been much "
     "tougher. ... What they are doing is gaming the system.”",
     {("partial", "they hit the host because they said he should have been much tougher. ... What they are doing "
       "is gaming the system.", "Ken Orr")}),
    # a curly quotation inside a curly one, and a signature after the outer one
    ("letters: quotation marks inside a quotation", "Readers sent us their thoughts on the debate.\n\n“As a "
     "young woman, I would rather live in what he calls “hell” than live in a world where he is president.” ― "
     "Adriana Rosas",
     {("direct", "As a young woman, I would rather live in what he calls “hell” than live in a world where he is "
       "president.", "Adriana Rosas")}),
    # the next sentence's cue is not the second part's own
    ("sport: the next sentence's cue", "Adriana Rosas, the team coach, spoke to reporters after the match."
     "\n\n“We will,” Rosas said, "
     "“meet again.” She called the final “a mess.”",
     {("direct", "We will … meet again.", "Adriana Rosas"), ("partial", "the final “a mess.”", "Adriana Rosas")}),
    # "claims" tagged a noun, with the name hung on it as a compound: still the verb and its subject
    ("tax: a cue tagged as a noun", "Donald Trump has not released his tax returns this year.\n\nBut Trump "
     "claims that he should be the exception.",
     {("indirect", "he should be the exception", "Donald Trump")}),
    # a statement in a clause of time beside the sentence's direct quotation is its own
    ("debate: a cue in a when-clause", "Hillary Clinton and Donald Trump met on stage on Monday.\n\nWhen "
     "Clinton noted that Trump had not paid any federal income taxes, Trump boasted, “That makes me smart.”",
     {("indirect", "Trump had not paid any federal income taxes", "Hillary Clinton"),
      ("direct", "That makes me smart.", "Donald Trump")}),
    # a second quoted label the parser hung on the cue belongs to the statement
    ("security: two labels under one cue", "President Barack Obama spoke on Friday.\n\nObama condemned the "
     "test as \"provocative and destabilizing\" and a \"grave threat\" to regional stability.",
     {("partial", "the test as \"provocative and destabilizing\" and a \"grave threat\" to regional stability",
       "Barack Obama")}),
    # the possessor of a common noun is someone else: the name in apposition speaks, or nobody known
    ("family: the possessor is not the speaker", "Rep. Bobby Scott welcomed several hundred guests on "
     "Saturday.\n\n\"We won,\" Scott's wife, Sarah Johnson, said.\n\n\"We are tired,\" Scott's lawyer said.",
     {("direct", "We won,", "Sarah Johnson"), ("direct", "We are tired,", None)}),
    # "..., he said, but “...”": the speaker going on, one quote in two parts
    ("energy: a cue and 'but' between two parts", "President Barack Obama spoke on Thursday.\n\n\"You know, I "
     "love Larry,\" he said, but \"when it comes to energy issues, Larry has a history of representing coal.\"",
     {("direct", "You know, I love Larry … when it comes to energy issues, Larry has a history of representing "
       "coal.", "Barack Obama")}),
    # "accused X of “...”": whom it accuses belongs to the cue, the statement is what of
    ("budget: accused of a quoted fragment", "Council member Ana Lee spoke on Monday.\n\nLee accused the mayor "
     "of “lying to the public” about the budget.",
     {("partial", "of “lying to the public” about the budget", "Ana Lee")}),
    # a one-word quotation a reader signs is still a statement (a one-word one no one signs is a title)
    ("letters: a signed one-word verdict", "Readers sent us their verdicts on the debate.\n\n“Disgusting.” ― "
     "Adriana Rosas",
     {("direct", "Disgusting.", "Adriana Rosas")}),
    # a parenthetical cue inside a mixed quotation: the statement keeps its subject, in two parts
    ("trade: a cue set off inside the clause", "Trade minister Lena Ortiz spoke in Madrid on Tuesday.\n\nThe "
     "tariffs her country could raise, she added, are like “a fire extinguisher you never get to use.”",
     {("partial", "The tariffs her country could raise … are like “a fire extinguisher you never get to use.”",
       "Lena Ortiz")}),
    # a clause the parser hung on the cue before it is an adverbial clause, not what was noted
    ("army: clause before the cue", "Lena Ortiz retired from the army in May.\n\nWhile she acknowledged money "
     "was a major reason she felt worn out serving in the north, Ortiz also noted several “intangibles” left her "
     "further disillusioned.",
     {("partial", "several “intangibles” left her further disillusioned", "Lena Ortiz")}),
]

# quotation marks that are not anybody's statement
NOT_QUOTES = [
    ("scare quotes", INTRO + "The so-called “summit diplomacy” has its critics in Seoul."),
    ("title of a work", INTRO + "Moon has read “The Art of the Deal” twice, aides said of his reading habits."),
    ("ui label", INTRO + "Readers can press “Subscribe” to follow the talks."),
    ("a show named where it was said", "Ines Moreno spoke on Sunday. She said on Radio Five's “Morning Report "
     "Weekly” that the harvest was saved."),
    ("a title between commas", "Her second book, “How Rivers Remember Their Floods,” came out in May."),
    ("a show's one-word name", "Mayor Tom Weller opened a library in Leeds. He also hosts a weekly program on "
     "local radio, “Kitchen.” Critics have praised the library."),
]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(workers=1)


def quotes_of(text: str, settings: Settings) -> list[dict]:
    (analyzed,) = analyze_articles([Article(source="case", kind="text", text=text)], settings)
    actors = consolidate([(analyzed.id, [a.__dict__ for a in analyzed.actors])])
    attributed = attribute_quotes([(analyzed.id, [q.__dict__ for q in analyzed.quotes])], actors)
    # the corpus stage names the speaker; the parts come from the analysis
    return [{**q, "parts": quote.parts} for q, quote in zip(attributed, analyzed.quotes, strict=True)]


@pytest.mark.parametrize("name, text, expected", CASES, ids=[c[0] for c in CASES])
def test_quote_patterns(name: str, text: str, expected: set[tuple[str, str, str]], settings: Settings) -> None:
    found = quotes_of(text, settings)
    assert {(q["kind"], q["text"], q["speaker"]) for q in found} == expected, name
    for q in found:
        assert q["parts"] and q["parts"][0][0] == q["start"] and q["parts"][-1][1] == q["end"], name
        if q["kind"] != "direct":  # offsets point into the article text; a cue may interrupt the statement
            assert " … ".join(" ".join(text[s:e].split()) for s, e in q["parts"]) == q["text"]


def test_interrupted_quote_keeps_each_part_verbatim(settings: Settings) -> None:
    text = "Floods reached the old town.\n\n“The river has never risen this fast,” said Tomas Berg, “and it is rising.”"
    (quote,) = quotes_of(text, settings)
    assert [text[s:e] for s, e in quote["parts"]] == ["The river has never risen this fast,", "and it is rising."]
    assert quote["text"] == "The river has never risen this fast … and it is rising."


def test_quotations_are_never_glued(settings: Settings) -> None:
    """Two quotations each with a cue of its own stay two, each with its own punctuation."""
    text = ("Rescuers reached the village at dawn. “The road is gone,” Ana Ruiz said, and added later, "
            "“We walked the last ten miles.”")
    texts = {q["text"] for q in quotes_of(text, settings) if q["kind"] == "direct"}
    assert texts == {"The road is gone,", "We walked the last ten miles."}


def test_cue_lexicon() -> None:
    """Every line of the lexicon is well formed, and a cue is found by its lemma whatever its form."""
    from storyline.analyze.nlp import load_pipeline
    from storyline.analyze.quotes.cues import cue_of, lexicon

    entries = lexicon()
    assert len(entries) > 80
    frames = {"quote", "that", "name", "of", "for", "to", "obj", "what"}
    for (lemma, pos), cue in entries.items():
        assert lemma == lemma.lower() and pos in {"VERB", "NOUN", "ADP"}, lemma
        assert cue.kind in {"speech", "belief", "accusation", "call"} and cue.frames <= frames, lemma
    doc = load_pipeline(Settings().spacy_model)("Lee accused Kim of lying. Kim insists she believes it. "
                                                "They walked home.")
    found = {t.text: cue_of(t) for t in doc}
    assert found["accused"].kind == "accusation" and "of" in found["accused"].frames
    assert found["insists"].kind == "speech" and found["believes"].kind == "belief"
    assert found["walked"] is None and found["Lee"] is None


@pytest.mark.parametrize("name, text", NOT_QUOTES, ids=[c[0] for c in NOT_QUOTES])
def test_not_quotes(name: str, text: str, settings: Settings) -> None:
    found = [q for q in quotes_of(text, settings) if q["kind"] != "indirect"]
    assert found == [], name


def test_unknown_speaker_is_none_not_a_guess(settings: Settings) -> None:
    found = quotes_of("The talks ended late.\n\n“Nobody expected this,” a passer-by remarked.", settings)
    assert found and all(q["speaker"] is None for q in found)


def test_quote_lists_the_actors_it_mentions(settings: Settings) -> None:
    (quote,) = [q for q in quotes_of(INTRO + "“Kim Jong Un wants peace,” Trump said.", settings)
                if q["kind"] == "direct"]
    assert quote["speaker"] == "Donald Trump" and len(quote["mentions"]) == 1


def test_speaker_by_name_words_despite_a_title() -> None:
    """A speaker the NER left unmentioned is found by the words of a person's name here, a title
    before it ("Mr. Vance, 82,") notwithstanding; a surname two people share names nobody."""
    from storyline.analyze.nlp import load_pipeline
    from storyline.analyze.quotes.speakers import Resolver
    from storyline.model import Mention

    text = "Henry Vance and Ruth Okafor hosted the show. Mr. Vance, 82, told me so. Okafor agreed."
    doc = load_pipeline(Settings().spacy_model)(text)
    mentions = [Mention("Henry Vance", "PERSON", 0, 11, 0, "person:henry vance"),
                Mention("Ruth Okafor", "PERSON", 16, 27, 0, "person:ruth okafor")]
    resolver = Resolver(doc, mentions, {})
    vance = next(t for t in doc if t.text == "Vance" and t.idx > 11)
    assert resolver.resolve(vance, []) == "person:henry vance"
    twins = Resolver(doc, [*mentions, Mention("Anna Vance", "PERSON", 60, 70, 1, "person:anna vance")], {})
    assert twins.resolve(vance, []) is None


def test_a_speech_verb_tagged_as_a_noun_is_the_verb() -> None:
    """"But Trump claims that ...", tagged NNS with a subject (seen in news text), is the verb
    "claim": its subject speaks and its clause is the statement; "his claims that" stays a noun."""
    from spacy.tokens import Doc

    from storyline.analyze.nlp import load_pipeline
    from storyline.analyze.quotes.cues import cue_of, statement, subject

    vocab = load_pipeline(Settings().spacy_model).vocab
    doc = Doc(vocab, words=["But", "Lena", "claims", "that", "she", "lied", "."],
              pos=["CCONJ", "PROPN", "NOUN", "SCONJ", "PRON", "VERB", "PUNCT"],
              tags=["CC", "NNP", "NNS", "IN", "PRP", "VBD", "."],
              deps=["cc", "nsubj", "ROOT", "mark", "nsubj", "ccomp", "punct"],
              heads=[2, 2, 2, 5, 5, 2, 2], lemmas=["but", "Lena", "claim", "that", "she", "lie", "."])
    claims = doc[2]
    assert cue_of(claims).pos == "VERB" and subject(claims).text == "Lena"
    assert [t.text for t in statement(claims)] == ["that", "she", "lied"]
    noun = Doc(vocab, words=["his", "claims", "that", "she", "lied"], pos=["PRON", "NOUN", "SCONJ", "PRON", "VERB"],
               tags=["PRP$", "NNS", "IN", "PRP", "VBD"], deps=["poss", "ROOT", "mark", "nsubj", "acl"],
               heads=[1, 1, 4, 4, 1], lemmas=["his", "claim", "that", "she", "lie"])
    assert cue_of(noun[1]).pos == "NOUN" and subject(noun[1]).text == "his"


def test_two_clauses_the_parser_hangs_on_one_cue_are_one_statement() -> None:
    """"Sato said prices rose, and that wages fell": spaCy sometimes makes both clauses complements
    of "said" (seen in news text); the statement holds both, not the first alone."""
    from spacy.tokens import Doc

    from storyline.analyze.nlp import load_pipeline
    from storyline.analyze.quotes.cues import statement

    vocab = load_pipeline(Settings().spacy_model).vocab
    doc = Doc(vocab, words=["Sato", "said", "prices", "rose", ",", "and", "that", "wages", "fell", "."],
              pos=["PROPN", "VERB", "NOUN", "VERB", "PUNCT", "CCONJ", "SCONJ", "NOUN", "VERB", "PUNCT"],
              tags=["NNP", "VBD", "NNS", "VBD", ",", "CC", "IN", "NNS", "VBD", "."],
              deps=["nsubj", "ROOT", "nsubj", "ccomp", "punct", "cc", "mark", "nsubj", "ccomp", "punct"],
              heads=[1, 1, 3, 1, 1, 1, 8, 8, 1, 1], lemmas=["Sato", "say", "price", "rise", ",", "and", "that",
                                                            "wage", "fall", "."])
    assert [t.text for t in statement(doc[1])] == ["prices", "rose", "that", "wages", "fell"]

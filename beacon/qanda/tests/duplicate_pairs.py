"""Labelled questions for the duplicate-suggestion test, written for Beacon.

Each pair is two ways people ask the same thing in a community Q&A about drugs, county lines and
policing. DISTRACTORS are different questions on the same subjects, so a suggestion has to tell apart
questions that share words ("drugs", "report", "police") but ask something else.
"""

PAIRS = [
    (
        "How do I report drug dealing in my street without giving my name?",
        "Can I tell you about people selling drugs on my road anonymously?",
    ),
    (
        "What is county lines?",
        "Can someone explain what county lines actually means?",
    ),
    (
        "What are the signs that a child is being groomed to carry drugs?",
        "How can I tell if a teenager is being groomed to run drugs for a gang?",
    ),
    (
        "What is cuckooing and how do I know if it is happening to my neighbour?",
        "My neighbour has lots of strangers visiting, could this be cuckooing?",
    ),
    (
        "Will the dealer find out that I was the one who reported them?",
        "If I report the dealers will they know it was me?",
    ),
    (
        "Why don't the police patrol the park at night when the dealing happens?",
        "Can you send patrols to the park in the evenings, that is when they deal?",
    ),
    (
        "My son keeps coming home with new trainers and cash, should I be worried?",
        "My teenage son has money and expensive clothes I did not buy him, what should I do?",
    ),
    (
        "How long does it take for police to act after I report something?",
        "After I send a report, how long before anything is done about it?",
    ),
    (
        "Is it illegal to have a small amount of cannabis for personal use?",
        "Can you get arrested for carrying a little bit of cannabis just for yourself?",
    ),
    (
        "What happens to a child who is caught carrying drugs for a gang?",
        "If a young person is caught running drugs for a gang, are they treated as a criminal or a victim?",
    ),
    (
        "What should I do if I find a knife hidden in a bush near the school?",
        "I found a knife stashed in the hedge by the primary school, who do I call?",
    ),
    (
        "How can schools help stop children getting involved in county lines?",
        "What are schools doing to keep pupils away from county lines gangs?",
    ),
    (
        "There is a car that parks outside my house every night and people go up to it, is that dealing?",
        "People keep walking up to a parked car on my street for a few seconds each evening, could that be drug dealing?",
    ),
    (
        "Can I report something on behalf of my elderly mum?",
        "Is it alright to make a report for my elderly mother who does not use the internet?",
    ),
    (
        "Where can a parent get support if their child is being exploited?",
        "Who helps families when their child has been exploited by a gang?",
    ),
    (
        "Does stop and search actually reduce knife crime?",
        "Is there evidence that stop and search cuts knife crime?",
    ),
    (
        "What are deal lines and how do you shut them down?",
        "How do police close down the phone numbers gangs use to sell drugs, the deal lines?",
    ),
    (
        "Are there more drugs in Wellingborough than there used to be?",
        "Has drug dealing in Wellingborough got worse over the last few years?",
    ),
    (
        "What is the Beat Bus and where will it be next week?",
        "Where is the Beat Bus going to be parked next week?",
    ),
    (
        "How do I know if my daughter is being exploited online through social media?",
        "Can gangs groom girls over Snapchat and Instagram, what are the signs?",
    ),
    (
        "Why are drug dealers never arrested on our estate?",
        "Dealers on our estate never seem to get arrested, why is that?",
    ),
    (
        "Can I get a reward for information about drug dealers?",
        "Do you pay people for information about dealers?",
    ),
    (
        "What happens to the money and property taken from drug dealers?",
        "Where does the cash seized from dealers go?",
    ),
    (
        "Is nitrous oxide illegal now?",
        "Are the silver laughing gas canisters against the law now?",
    ),
    (
        "How can I keep my child safe walking home from school past the dealers?",
        "My kids walk past dealers on the way home from school, how do I keep them safe?",
    ),
    (
        "Should I call 999 or 101 if I see a drug deal happening?",
        "If I see someone selling drugs right now, is that a 999 call or a 101 call?",
    ),
    (
        "Why do gangs target children from our town?",
        "Why do county lines gangs pick on kids from towns like ours?",
    ),
    (
        "What support is there for someone who wants to get out of a gang?",
        "My cousin wants to leave a gang, who can help him get out safely?",
    ),
    (
        "Is vaping THC illegal?",
        "Are THC vapes illegal to use or sell?",
    ),
    (
        "How many people have been arrested for county lines in Northamptonshire this year?",
        "How many county lines arrests have you made this year?",
    ),
    (
        "Can I stay anonymous if I report a crime online?",
        "Do I have to give my name when I report online?",
    ),
    (
        "Why are there needles left in the alley behind the shops?",
        "Who clears up the used needles dumped in the alleyway behind the shops?",
    ),
    (
        "What should a landlord do if they think a tenant is dealing from the flat?",
        "I rent out a flat and I think the tenant is selling drugs from it, what should I do?",
    ),
    (
        "Are teenagers being paid to hold drugs in their homes?",
        "Do gangs pay young people to keep drugs hidden at home for them?",
    ),
]

DISTRACTORS = [
    "How do I report a stolen bike?",
    "What time does the Beat Bus open?",
    "Can I bring my children to the Beat Bus?",
    "Is cannabis oil legal to buy in shops?",
    "How many police officers are there in Northampton?",
    "What is the number for Crimestoppers?",
    "How do I become a special constable?",
    "Why was the police station in town closed?",
    "Can I report antisocial driving online?",
    "What is the penalty for dealing class A drugs?",
    "Do you work with the council on housing?",
    "What should I do if I am a victim of a burglary?",
    "Are there youth clubs in Rushden that keep kids off the streets?",
    "How do I complain about a police officer?",
    "Is it safe to walk through the park during the day?",
    "What are the opening hours of the police front desk?",
    "How do I get my property back after it was used as evidence?",
    "Do you have officers in schools every week?",
    "Will there be another Q&A next month?",
    "How do I request a school workshop?",
]

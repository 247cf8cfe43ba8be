"""The whitepaper "Don't Blow It", written for the site and laid out as a PDF with fpdf2.

The core PDF fonts only know Windows-1252, so the copy keeps to plain quotes and dashes.
"""

from fpdf import FPDF

TITLE = "Don't Blow It"
SUBTITLE = "Turning a good job into a career in solar and clean energy"

SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Why this paper",
        [
            "Almost everyone we speak with calls themselves career focused. Yet when we ask "
            "what the ideal next step would be, or which skills it takes to get there, many "
            "people don't have an answer. They are doing good work in a good job. That is "
            "not the same thing as building a career.",
            "This paper is for people who want the difference to work for them. It covers "
            "the signs of each mindset, a story of what the difference can cost, and the "
            "practical steps that keep your options open while you do the job in front of you.",
        ],
    ),
    (
        "Career focused or job focused?",
        [
            "Career-focused people are clear on a long-term vision of where they want to go. "
            "They have an outline of what it takes to get there. They understand the skills "
            "they need and how to get them. And they are willing to move when and where a move "
            "is best for their goals.",
            "Job-focused people are comfortable where they are as long as the bills are paid. "
            "It takes a big change, such as new leadership or a change in pay, before they "
            "will consider a move. They are generally satisfied in their role, and they may "
            "fear that a new role won't live up to their expectations.",
            "Neither list is a verdict on you. Everyone moves between the two over a working "
            "life. A new baby, an aging parent or a child finishing high school can rightly "
            "put growth on hold for a while. The danger is not a season of job focus; it is "
            "losing sight of your real goals while it lasts.",
        ],
    ),
    (
        "The cost of getting too comfortable",
        [
            "We have known a regional sales leader at a major solar manufacturer for years. "
            "By any measure he is one of the best in the industry: the revenue he brings in "
            "and the customers he keeps say so. He stayed out of loyalty to a boss he liked, "
            "at a company he enjoyed.",
            "His long-term goal was to lead a sales organization. But he was so focused on "
            "selling that he never took on leadership work. When his boss left, he decided to "
            "move on too. His record will open doors, but with no leadership experience to "
            "show, his most likely next step is sideways: a similar role at another company.",
            "Had he trained and mentored newer sales people, or led a special project team, "
            "he would now be a credible candidate for the job he actually wants. Nothing "
            "stopped him. He was simply comfortable.",
        ],
    ),
    (
        "Build leadership experience before you need the title",
        [
            "Hiring managers promote people who have already done some of the job. You do "
            "not need permission or a title to start.",
            "- Offer to mentor new starters, or to run the onboarding for your team.",
            "- Volunteer to lead a cross-team project: a product launch, a new market, a "
            "process that everyone complains about.",
            "- Present your team's results to leadership, and ask for feedback afterwards.",
            "- Keep a simple record of what you led, who was involved and what changed. It "
            "becomes the evidence in your next interview.",
        ],
    ),
    (
        "Know the skills you need, and how you will get them",
        [
            "Write down the role you want in five to ten years. Then look at three people who "
            "hold it today, inside or outside your company. What did they do two steps before "
            "it? What can they do that you can't yet?",
            "Turn the gaps into a plan with dates: a certification, a stretch assignment, a "
            "course on finance for non-finance managers, time in the field with installers, "
            "or a rotation through operations. Solar and clean energy change quickly, so "
            "revisit the list every six months.",
        ],
    ),
    (
        "Be ready to move when it counts",
        [
            "The best next step is not always with your current employer, or in your current "
            "city. Career-focused people decide in advance what would make a move worth it, "
            "so that a good opportunity is a decision, not a crisis.",
            "Keep your resume current even when you are happy. Keep in touch with people who "
            "have moved on. Talk to a recruiter who knows your industry before you need one: "
            "the conversation costs nothing, and the timing is then yours.",
        ],
    ),
    (
        "A checklist for the next 90 days",
        [
            "- Write your long-term goal in one sentence.",
            "- List the three skills or experiences between you and that goal.",
            "- Take on one piece of leadership work this quarter: mentoring, a project team, "
            "or training others.",
            "- Decide what a move would have to offer for you to say yes.",
            "- Book a conversation with someone who already holds the role you want.",
            "If you are in a job and want a career, start now, while you are comfortable. "
            "That is when you have the most choice. Don't blow it.",
        ],
    ),
]


class _WhitepaperPDF(FPDF):
    firm_name = ""

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.set_text_color(80, 80, 80)
        self.cell(0, 10, f"{self.firm_name}  |  {TITLE}  |  page {self.page_no()}", align="C")


def whitepaper_pdf_bytes(*, firm_name: str) -> bytes:
    """The whole whitepaper as PDF bytes, a few pages long."""
    pdf = _WhitepaperPDF(format="Letter")
    pdf.firm_name = firm_name
    pdf.core_fonts_encoding = "windows-1252"  # has the bullet, unlike plain Latin-1
    pdf.set_title(TITLE)
    pdf.set_author(firm_name)
    pdf.set_subject(SUBTITLE)
    pdf.set_lang("en-US")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(22, 22, 22)

    pdf.add_page()
    pdf.set_y(80)
    pdf.set_font("Helvetica", "B", 36)
    pdf.set_text_color(11, 85, 99)
    pdf.multi_cell(0, 16, TITLE, align="C")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=16)
    pdf.set_text_color(29, 35, 42)
    pdf.multi_cell(0, 9, SUBTITLE, align="C")
    pdf.ln(20)
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 7, f"A whitepaper from {firm_name}", align="C")

    pdf.add_page()
    for heading, paragraphs in SECTIONS:
        pdf.set_font("Helvetica", "B", 16)
        pdf.set_text_color(11, 85, 99)
        pdf.multi_cell(0, 9, heading)
        pdf.ln(2)
        pdf.set_font("Helvetica", size=11.5)
        pdf.set_text_color(29, 35, 42)
        for paragraph in paragraphs:
            if paragraph.startswith("- "):
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(0, 6.5, "\u2022 " + paragraph[2:])
                pdf.ln(1)
            else:
                pdf.multi_cell(0, 6.5, paragraph)
                pdf.ln(3)
        pdf.ln(4)
    return bytes(pdf.output())

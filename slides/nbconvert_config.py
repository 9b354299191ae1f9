"""`jupyter nbconvert --to slides` as make slides runs it: one reveal.js deck per notebook, offline.

The decks show the committed outputs (no notebook is executed) and load only files beside them:
reveal.js and MathJax 2 are unpacked into build/slides/vendor/ by make slides, at the versions the
Makefile pins. slideedition.SlideStills turns each live widget into a still and shows the code of
the live demo's cell only.
"""

import pathlib

SLIDES = pathlib.Path(__file__).resolve().parent

c = get_config()  # noqa: F821  (nbconvert's config loader provides it)
c.TemplateExporter.extra_template_basedirs = [str(SLIDES / "template")]
c.SlidesExporter.template_name = "warmup"
c.SlidesExporter.preprocessors = ["slideedition.SlideStills"]
c.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
c.SlidesExporter.reveal_theme = "white"
c.SlidesExporter.reveal_transition = "none"
c.SlidesExporter.reveal_number = "c/t"
c.SlidesExporter.reveal_width = "1280"
c.SlidesExporter.reveal_height = "800"
c.SlidesExporter.exclude_input_prompt = True
c.SlidesExporter.exclude_output_prompt = True
c.HTMLExporter.mathjax_url = "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

from storyline.views.cli import main

main()

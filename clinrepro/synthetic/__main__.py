from clinrepro.synthetic.generator import main

main()

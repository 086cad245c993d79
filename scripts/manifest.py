import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.files import write_manifest

write_manifest(paths=list(snakemake.input), output=snakemake.output[0])

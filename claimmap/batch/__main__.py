"""Entry point for ``spark-submit``: the arguments of ``claimmap batch``.

    spark-submit --master yarn --deploy-mode client \\
        "$(python -c 'import claimmap.batch.__main__ as m; print(m.__file__)')" \\
        s3a://bucket/crawl/ --output s3a://bucket/claimmap-out/

(also ``python -m claimmap.batch INPUT… --output DIR``, the same as ``claimmap batch``).
Under spark-submit the master, executors and configuration are spark-submit's.
"""

import sys

from claimmap.cli import main

if __name__ == "__main__":
    main(["batch", *sys.argv[1:]])

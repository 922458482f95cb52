#!/usr/bin/env python3
"""Runs a binary the way the container image does, without a Docker engine: alone in an
otherwise empty root (as `FROM scratch`), as user and group 65532 with no other groups
(`USER 65532:65532`), in /work holding a copy of MANIFESTS (`WORKDIR /work`, `-v
"$PWD:/work"`), with an empty environment. Standard input, output and the exit code pass
through. Needs root, for chroot.

usage: .ci/empty_root.py BINARY MANIFESTS [ARG...]
"""
import os
import shutil
import sys
import tempfile


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    binary, manifests, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory() as root:
        os.chmod(root, 0o755)
        os.makedirs(os.path.join(root, "usr/local/bin"), mode=0o755)
        shutil.copy(binary, os.path.join(root, "usr/local/bin/speclint"))
        shutil.copytree(manifests, os.path.join(root, "work"))
        pid = os.fork()
        if pid == 0:
            try:
                os.chroot(root)
                os.chdir("/work")
                os.setgroups([])
                os.setgid(65532)
                os.setuid(65532)
                os.execve("/usr/local/bin/speclint", ["speclint", *args], {})
            except OSError as error:
                # A dynamically linked binary lands here: its loader is not in the root.
                print(f"empty_root: cannot run {binary} alone: {error}", file=sys.stderr)
                os._exit(127)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())

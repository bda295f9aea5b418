#!/usr/bin/env python3
"""softmesh.conf(5) from doc/config.md, so that the page and the option
tables (which tests/unit/test_conf_schema.c checks against the schema)
never disagree. Markdown as doc/ writes it -> scdoc(5):
  usage: md2scd.py doc/config.md > softmesh.conf.5.scd"""
import re
import sys

# the chapters of doc/config.md a reader of the man page wants, in order
KEEP = ["Layers", "Syntax", "Templates", "Sections and options",
        "LibreMesh's files", "Errors", "Checking and printing: `-n`, `-nv`",
        "Reloading"]


def inline(t):
    t = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", t)      # links: their text
    t = t.replace("\\", "\\\\")
    t = t.replace("*", "\\*").replace("_", "\\_")
    # `code` and **bold** as scdoc bold
    t = re.sub(r"\\\*\\\*([^*]+?)\\\*\\\*", r"*\1*", t)
    t = re.sub(r"`([^`]+)`", lambda m: "*" + m.group(1) + "*", t)
    return t


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def convert(md):
    out = []
    chapter = None
    lines = md.split("\n")
    i = 0
    in_code = False
    while i < len(lines):
        ln = lines[i]
        i += 1
        if ln.startswith("## "):
            chapter = ln[3:].strip()
            if chapter in KEEP:
                out += ["", "# " + inline(chapter).upper().replace("*", ""), ""]
            continue
        if chapter not in KEEP or ln.startswith("# "):
            continue
        if ln.startswith("```"):
            in_code = not in_code
            out.append("```")
            continue
        if in_code:
            out.append(ln)
            continue
        if ln.startswith("### "):
            out += ["", "## " + inline(ln[4:].strip()).replace("*", ""), ""]
            continue
        if ln.startswith("|"):
            head = cells(ln)
            i += 1                                          # the --- row
            while i < len(lines) and lines[i].startswith("|"):
                row = dict(zip(head, cells(lines[i])))
                i += 1
                name = row.get(head[0], "")
                rest = [c for c in head[1:] if c not in ("meaning", "takes effect")]
                what = "; ".join(f"{c} {row[c]}" for c in rest if row.get(c))
                out.append("*" + inline(name).replace("*", "") + "* (" + inline(what) + ")")
                text = row.get("meaning", row.get("takes effect", ""))
                out.append("\t" + inline(text))
                out.append("")
            continue
        m = re.match(r"^(\s*)[*-] (.*)", ln)
        if m:
            out.append(("\t" if m.group(1) else "") + "- " + inline(m.group(2)))
            continue
        if ln[:1] in (" ", "\t") and ln.strip() and out and out[-1].strip():
            out[-1] += " " + inline(ln.strip())    # a wrapped line of a list item
            continue
        out.append(inline(ln.strip() if not ln.strip() else ln))
    return out


def main():
    md = open(sys.argv[1], encoding="utf-8").read()
    print("softmesh.conf(5)\n")
    print("# NAME\n\nsoftmesh.conf - the configuration files of softmesh's daemons\n")
    print("# SYNOPSIS\n\n*/etc/softmesh/lime-community*, */etc/softmesh/lime-node*\n")
    print("# DESCRIPTION\n")
    print("Every softmesh daemon reads the same files, given with *-c* in order "
          "(community, then node); LibreMesh's UCI syntax and option names. "
          "This page is made from doc/config.md of the source.\n")
    body = "\n".join(convert(md))
    body = re.sub(r"\n{3,}", "\n\n", body)
    print(body.strip() + "\n")
    print("# SEE ALSO\n\n*softmesh*(7), *l2meshd*(8), *l3routed*(8), *anycastd*(8), "
          "*leasesyncd*(8), *webuid*(8), *meshctl*(8)")


if __name__ == "__main__":
    main()

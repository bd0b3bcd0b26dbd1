import sys
def main(argv):
    print("rp_util main", argv[1:])
    return 3
if __name__ == "__main__":
    sys.exit(main(sys.argv))
print("rp_util imported as", __name__)

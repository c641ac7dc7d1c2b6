# The one test command (README.md, .ci/run): installs the real mail servers the
# integration tests use when they are missing, then runs every test with the
# race detector and shuffled order under one time zone, and again under another.
GO ?= go
PKGS ?= ./...

.PHONY: test test-deps build vet fuzz bench

test: test-deps vet
	TZ=America/New_York $(GO) test -race -shuffle=on -count=1 -timeout 20m $(PKGS)
	TZ=Asia/Kolkata $(GO) test -shuffle=on -count=1 -timeout 20m $(PKGS)

test-deps:
	@scripts/install-test-deps.sh

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)

build:
	$(GO) build -o followupd ./cmd/followupd

# Each fuzz target for a minute (go test runs one -fuzz target at a time).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./calendar -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME)
	$(GO) test ./calendar -run='^$$' -fuzz='^FuzzDecodeEvent$$' -fuzztime=$(FUZZTIME)
	$(GO) test ./detect -run='^$$' -fuzz='^FuzzDetect$$' -fuzztime=$(FUZZTIME)
	$(GO) test ./mailbox -run='^$$' -fuzz='^FuzzExtractInvitations$$' -fuzztime=$(FUZZTIME)
	$(GO) test ./replies -run='^$$' -fuzz='^FuzzRead$$' -fuzztime=$(FUZZTIME)
	$(GO) test ./replies -run='^$$' -fuzz='^FuzzParseCommand$$' -fuzztime=$(FUZZTIME)
	$(GO) test ./explain -run='^$$' -fuzz='^FuzzExplain$$' -fuzztime=$(FUZZTIME)
	$(GO) test ./employer -run='^$$' -fuzz='^FuzzClassify$$' -fuzztime=$(FUZZTIME)

bench:
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

# The fault script against real Dovecot and Postfix (root; about 11 minutes); not part of
# `make test`. Figures: docs/reliability.md.
.PHONY: faults
faults:
	$(GO) test -tags faults -count=1 -timeout 30m -v ./internal/faults

# Teammate Inbox: `make run` opens the app with a demo workspace, `make test` runs every test.
# Both install what they need on Debian 12 first (apt packages, npm packages, tauri-driver),
# and do nothing more when it is already there.

SHELL := /bin/bash
.DEFAULT_GOAL := run

APT_PACKAGES := build-essential pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev \
	libayatana-appindicator3-dev librsvg2-dev libssl-dev xvfb xauth dbus webkit2gtk-driver \
	imagemagick fonts-noto-color-emoji postgresql notification-daemon xdotool python3-venv \
	chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)
APP_FEATURES := --features teammate-inbox/custom-protocol
APP_BIN := target/debug/teammate-inbox
SERVER_BIN := target/debug/inbox-server
SERVER_DIR ?= $(HOME)/.local/share/teammate-inbox-server-demo
SERVER_LISTEN ?= 127.0.0.1:8080
DEMO_ADMIN := alex@northwind.example
DEMO_PASSWORD := inbox-demo

SDK_DIR := crates/inbox-server/tests/intercom-sdk
ST_DIR := crates/inbox-server/tests/schemathesis

# The README's screenshots (docs/screenshots/NAME.png) and the end-to-end shots they are taken
# from (target/e2e/SHOT.png), all from one run.
README_SHOTS := inbox:inbox reply-preview:reply-preview tracker-preview:tracker-preview \
	conversations:conversation-reply-preview sign-in:sign-in sync-issues:sync-issues \
	filters:filters new-ticket:new-ticket search:search profile:profile settings:settings-types \
	palette:palette dark:dark bulk:bulk-preview undo:undo-toast macros:macros-picker \
	snooze:snooze-ticket-header messenger-embedded:messenger-embedded-open messenger-tickets:messenger-tickets-space \
	messenger-ticket:messenger-ticket-live

.PHONY: screenshots run run-local test bench deps system-deps tauri-driver ui-deps sdk-deps schemathesis-deps ui lint app server-bin server server-demo bindings

## Install everything the app and its tests need (idempotent).
deps: system-deps tauri-driver ui-deps sdk-deps schemathesis-deps

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@# Node may come from Debian or elsewhere (it ships its own npm then): only install it if absent.
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || \
		{ echo "Node $$(node --version) is too old: the UI's tools (Vite 8, Vitest 4) need Node 20.19 or newer."; exit 1; }

tauri-driver:
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --locked

ui-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	npm --prefix ui ci --no-audit --no-fund
	@touch $@

## Intercom's Node SDK and TypeScript, for the test that runs a workflow through the SDK.
sdk-deps: $(SDK_DIR)/node_modules/.package-lock.json

$(SDK_DIR)/node_modules/.package-lock.json: $(SDK_DIR)/package.json $(SDK_DIR)/package-lock.json
	npm --prefix $(SDK_DIR) ci --no-audit --no-fund
	@touch $@

## Schemathesis (pinned with its dependencies), for the test that fuzzes the server's API.
schemathesis-deps: $(ST_DIR)/.venv/.installed

$(ST_DIR)/.venv/.installed: $(ST_DIR)/constraints.txt
	python3 -m venv $(ST_DIR)/.venv
	$(ST_DIR)/.venv/bin/pip install --quiet --disable-pip-version-check -r $(ST_DIR)/constraints.txt
	@touch $@

## The frontend, built into ui/dist (embedded by the app's custom-protocol build), and the
## customers' Messenger page, built into ui/dist-messenger (embedded by inbox-server).
ui: ui-deps
	npm --prefix ui run build

## Writes the UI's IPC bindings (ui/src/lib/bindings.ts) from the Rust commands, events and
## types; `make test` fails while the file is stale.
bindings:
	$(CARGO) test $(APP_FEATURES) --lib -- --ignored export_bindings

## The app binary with the UI embedded.
app: ui
	$(CARGO) build $(APP_FEATURES) --bin teammate-inbox

server-bin: ui
	$(CARGO) build -p inbox-server --bin inbox-server

## Seeds the server's demo workspace (once), gives its admin the demo password and prints an
## API token of theirs.
server-demo: server-bin
	@[ -f "$(SERVER_DIR)/server.sqlite3" ] || ./$(SERVER_BIN) seed --data-dir "$(SERVER_DIR)"
	@echo "Server data: $(SERVER_DIR)"
	@echo "$(DEMO_PASSWORD)" | ./$(SERVER_BIN) password --data-dir "$(SERVER_DIR)" --email $(DEMO_ADMIN) >/dev/null
	@echo "Sign in to http://$(SERVER_LISTEN) as $(DEMO_ADMIN) with the password $(DEMO_PASSWORD)"
	@echo "API token of the demo admin ($(DEMO_ADMIN)): $$(./$(SERVER_BIN) token --data-dir "$(SERVER_DIR)" --email $(DEMO_ADMIN))"

## A local inbox-server with the demo workspace on http://$(SERVER_LISTEN).
server: server-demo
	./$(SERVER_BIN) serve --data-dir "$(SERVER_DIR)" --listen $(SERVER_LISTEN)

## Opens the app signed in to a local inbox-server with the demo workspace (both in their own
## data directories, so your own are untouched); the server runs as long as the app does.
run: deps app server-demo
	@dir=$${INBOX_DATA_DIR:-$$HOME/.local/share/teammate-inbox-demo}; \
	echo "App data: $$dir"; \
	token=$$(./$(SERVER_BIN) token --data-dir "$(SERVER_DIR)" --email $(DEMO_ADMIN)); \
	./$(SERVER_BIN) serve --data-dir "$(SERVER_DIR)" --listen $(SERVER_LISTEN) & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT; \
	args=(--data-dir "$$dir" --server "http://$(SERVER_LISTEN)" --token "$$token"); \
	if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then ./$(APP_BIN) "$${args[@]}"; \
	else echo "No display found: running under Xvfb (headless)."; \
		xvfb-run -a dbus-run-session -- ./$(APP_BIN) "$${args[@]}"; fi

## The app on its own local demo workspace, without a server.
run-local: deps app
	@dir=$${INBOX_DATA_DIR:-$$HOME/.local/share/teammate-inbox-demo}; \
	if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then ./$(APP_BIN) --demo --data-dir "$$dir"; \
	else xvfb-run -a dbus-run-session -- ./$(APP_BIN) --demo --data-dir "$$dir"; fi

lint: ui-deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets $(APP_FEATURES) -- -D warnings
	npm --prefix ui run check

## Every test: UI checks and unit tests, Rust unit and integration tests, and the end-to-end
## tests through the real app window.
test: deps ui lint
	npm --prefix ui test
	$(CARGO) test --workspace $(APP_FEATURES)

## Takes the README's screenshots anew from one run of the end-to-end tests (each window at its
## own size), into docs/screenshots.
screenshots: deps ui
	rm -rf target/e2e
	$(CARGO) test $(APP_FEATURES) --test e2e
	@for pair in $(README_SHOTS); do \
		cp "target/e2e/$${pair#*:}.png" "docs/screenshots/$${pair%%:*}.png" || exit 1; \
	done
	@echo "docs/screenshots: $(words $(README_SHOTS)) screenshots from this run"

bench: deps ui
	$(CARGO) bench --workspace

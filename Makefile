# Facet developer commands. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12 (the Lambda runtime): PYTHON if given, else the one scripts/find-python312 finds.
PYTHON ?= $(shell scripts/find-python312)
VENV := .venv
TOOLS := .venv-tools
CHECKOV := .venv-checkov
PY := $(VENV)/bin/python
export AWS_DEFAULT_REGION ?= us-east-1
export AWS_ACCESS_KEY_ID ?= testing
export AWS_SECRET_ACCESS_KEY ?= testing

.PHONY: help install run test lint typecheck format unit infra-lint bench test-localstack clean migration admin stats-rebuild \
	frontends api-types frontend-test e2e shop-dev seller-dev shop-bench seller-bench package-check

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: layers/shared/requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(TOOLS)/.installed: requirements-tools.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet -r requirements-tools.txt
	touch $@

$(CHECKOV)/.installed: requirements-checkov.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: set PYTHON=/path/to/python3.12"; exit 1; }
	test -x $(CHECKOV)/bin/python || $(PYTHON) -m venv $(CHECKOV)
	$(CHECKOV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

# The frontends (npm workspaces under frontends/): installed from package-lock.json only.
WEB := frontends
NPM := cd $(WEB) && npm
WEB_INSTALLED := $(WEB)/node_modules/.installed
SHOP_SOURCES := $(shell find $(WEB)/shared/src $(WEB)/shared/alias.ts $(WEB)/customer/src \
  $(WEB)/customer/index.html $(WEB)/customer/vite.config.ts $(WEB)/tsconfig.base.json -type f 2>/dev/null)
SHOP := $(WEB)/customer/dist/index.html
SELLER_SOURCES := $(shell find $(WEB)/shared/src $(WEB)/shared/alias.ts $(WEB)/seller/src \
  $(WEB)/seller/index.html $(WEB)/seller/vite.config.ts $(WEB)/tsconfig.base.json -type f 2>/dev/null)
SELLER := $(WEB)/seller/dist/index.html
# Debian's Chromium for the browser tests (never a downloaded one: see docs/frontends.md).
CHROMIUM ?= /usr/bin/chromium

$(WEB_INSTALLED): $(WEB)/package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed $(TOOLS)/.installed $(CHECKOV)/.installed $(WEB_INSTALLED) ## create the virtualenvs and node_modules

$(SHOP): $(WEB_INSTALLED) $(SHOP_SOURCES)
	$(NPM) run build --workspace customer

$(SELLER): $(WEB_INSTALLED) $(SELLER_SOURCES)
	$(NPM) run build --workspace seller

frontends: $(SHOP) $(SELLER) ## build the shop and the seller dashboard (`make run` rebuilds what changed)

api-types: $(VENV)/.installed $(WEB_INSTALLED) ## regenerate the frontends' API types from the OpenAPI schema
	PYTHONPATH=layers/shared:. $(PY) -m devstack openapi .data/openapi.json
	$(NPM) run api-types

frontend-test: api-types ## types from today's API, tsc, Vitest, build, Playwright E2E in Chromium
	@git diff --quiet -- $(WEB)/shared/src/api/schema.d.ts 2>/dev/null || { \
	  echo "frontends/shared/src/api/schema.d.ts is stale: commit what make api-types wrote"; exit 1; }
	$(NPM) run typecheck
	$(NPM) test
	$(MAKE) frontends
	$(MAKE) e2e

e2e: $(VENV)/.installed $(SHOP) $(SELLER) ## Playwright against a fresh local stack (port 8100, database facet_e2e)
	@test -x $(CHROMIUM) || { echo "Chromium missing: apt-get install -y chromium"; exit 1; }
	$(NPM) run e2e

shop-dev: $(WEB_INSTALLED) ## Vite dev server on :5173 for the shop, API proxied to `make run` on :8000
	$(NPM) run dev --workspace customer

seller-dev: $(WEB_INSTALLED) ## Vite dev server on :5174 for the seller dashboard, API proxied to `make run`
	$(NPM) run dev --workspace seller

run: $(VENV)/.installed $(SHOP) $(SELLER) ## run Facet locally with demo data on http://127.0.0.1:8000
	PYTHONPATH=layers/shared:. $(PY) -m devstack run

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(VENV)/.installed ## mypy --strict
	$(VENV)/bin/mypy layers/shared functions devstack tests bench migrations

infra-lint: $(VENV)/.installed $(TOOLS)/.installed $(CHECKOV)/.installed ## cfn-lint, sam validate --lint, checkov (offline)
	$(VENV)/bin/cfn-lint infra/template.yaml
	$(TOOLS)/bin/sam validate --lint --template infra/template.yaml --region $(AWS_DEFAULT_REGION)
	$(CHECKOV)/bin/checkov -f infra/template.yaml --framework cloudformation --compact --quiet --skip-download

unit: $(VENV)/.installed ## pytest only (without the LocalStack profile)
	$(VENV)/bin/pytest -m "not localstack" $(PYTEST_ARGS)

test: lint typecheck infra-lint unit frontend-test ## the whole check suite (what CI runs)

bench: $(VENV)/.installed ## performance budgets: prints a table, writes .data/bench.json
	$(PY) -m bench
	$(MAKE) shop-bench seller-bench

shop-bench: $(VENV)/.installed $(SHOP) ## the shop's budgets in Chromium (first-load JS, grid LCP): .data/shop-bench.json
	$(NPM) run bench -- shop

seller-bench: $(VENV)/.installed $(SELLER) ## the dashboard's budgets (first-load JS, stats interactive): .data/seller-bench.json
	$(NPM) run bench -- seller

package-check: $(VENV)/.installed $(TOOLS)/.installed ## sam build (arm64) and hold each zip to 25 MB: .data/package.json
	$(PY) -m bench.package --python $(PYTHON)

test-localstack: $(VENV)/.installed ## upload-policy tests against a real LocalStack on :4566
	$(VENV)/bin/pytest -m localstack $(PYTEST_ARGS)

clean: ## remove virtualenvs, caches and local data
	rm -rf $(VENV) $(TOOLS) $(CHECKOV) .data .pytest_cache .mypy_cache .ruff_cache \
	  $(WEB)/node_modules $(WEB)/*/dist $(WEB)/test-results

migration: $(VENV)/.installed ## new migration: make migration MSG="add thing" (autogenerate)
	@test -n "$(MSG)" || { echo 'usage: make migration MSG="what it does"'; exit 1; }
	PYTHONPATH=layers/shared:. $(PY) -m devstack migration "$(MSG)"

admin: $(VENV)/.installed ## create or promote an admin: make admin EMAIL=ops@example.com (mails a reset link)
	@test -n "$(EMAIL)" || { echo 'usage: make admin EMAIL=someone@example.com'; exit 1; }
	AWS_ENDPOINT_URL=$${AWS_ENDPOINT_URL-http://127.0.0.1:4566} PYTHONPATH=layers/shared:. \
	  $(PY) -m shop.users.admin "$(EMAIL)"

stats-rebuild: $(VENV)/.installed ## recompute the seller statistics rollups from the orders
	PYTHONPATH=layers/shared:. $(PY) -m shop.stats.rebuild

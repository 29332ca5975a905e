# A gemspec as a developer writes it, installed as is.
Gem::Specification.new do |spec|
  spec.name          = 'legacy-tools'
  spec.version       = Gem::Version.new("0.9.1")
  spec.authors       = ['Jane Roe', "O'Brien"]
  spec.summary       = "Legacy #{'tools'} for testing"
  spec.description   = %q{Tools that predate everything.}
  spec.licenses      = [
    "BSD-2-Clause",
    'Ruby',
  ]
  spec.files         = Dir.glob("lib/**/*.rb")
  spec.require_paths = ["lib"]
  spec.add_dependency "json", ">= 2.0" # name = "json"
  spec.metadata["name"] = "not this"
end

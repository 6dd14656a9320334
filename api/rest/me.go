package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// meJSON is who a token is. Department and DepartmentName are null for an
// admin without a department; DepartmentName is null too while the
// department is not registered.
type meJSON struct {
	Name           string     `json:"name"`
	Role           api.Role   `json:"role"`
	Department     *string    `json:"department"`
	DepartmentName *string    `json:"department_name"`
	Policy         policyJSON `json:"policy"`
}

// policyJSON is the organisation's policy as clients read it.
type policyJSON struct {
	AnonymityMin int     `json:"anonymity_min"`
	MinVolume    int     `json:"min_volume"`
	AtRiskRatio  float64 `json:"at_risk_ratio"`
	TimeZone     string  `json:"time_zone"`
}

func policyOf(p domain.Policy) policyJSON {
	return policyJSON{AnonymityMin: p.AnonymityMin, MinVolume: p.MinVolume, AtRiskRatio: p.AtRiskRatio,
		TimeZone: p.Location.String()}
}

// getMe answers GET /api/v1/me: any valid token may ask who it is.
func (s *Server) getMe(c echo.Context) error {
	a := actorOf(c)
	out := meJSON{Name: a.Name, Role: a.Role, Policy: policyOf(s.cfg.Policy)}
	if a.Department != "" {
		id := a.Department
		out.Department = &id
		for _, d := range s.cfg.Catalog.Departments() {
			if d.ID == id {
				name := d.Name
				out.DepartmentName = &name
				break
			}
		}
	}
	return c.JSON(http.StatusOK, out)
}
